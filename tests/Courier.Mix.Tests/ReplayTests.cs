using Courier.TestKit;

namespace Courier.Mix.Tests;

/// <summary>A replayed packet is dropped after its MAC checks, per mix key epoch, also after the mix restarts.</summary>
public class ReplayTests
{
    private static readonly Sphinx Sphinx = new(new SphinxGeometry(5, 256));

    [Fact]
    public void A_replayed_packet_is_dropped_at_the_hop_that_saw_it()
    {
        using var mixes = new Mixes();
        var packet = Sphinx.CreatePacket(mixes.Path(3), [1]);
        var copy = packet.ToArray();
        Sphinx.Unwrap(mixes.Keys[0], packet, mixes.Tags[0]);
        var error = Assert.Throws<SphinxException>(() => Sphinx.Unwrap(mixes.Keys[0], copy, mixes.Tags[0]));
        Assert.Equal(SphinxError.Replayed, error.Error);

        // The copy is untouched by the refusal: the header is not rewritten before the replay check.
        Assert.Equal(packet.Length, copy.Length);
        Assert.NotEqual(packet[..Sphinx.Geometry.HeaderLength], copy[..Sphinx.Geometry.HeaderLength]);
    }

    [Fact]
    public void A_forged_packet_does_not_burn_a_tag()
    {
        // Tags are recorded only after the MAC: a packet with a bad MAC cannot block the genuine one.
        using var mixes = new Mixes();
        var packet = Sphinx.CreatePacket(mixes.Path(2), [1]);
        var forged = packet.ToArray();
        forged[Sphinx.Geometry.GammaOffset] ^= 1;
        var tags = new InMemoryReplayTags();
        Assert.Equal(SphinxError.InvalidMac, Assert.Throws<SphinxException>(() => Sphinx.Unwrap(mixes.Keys[0], forged, tags)).Error);
        Assert.Equal(0, tags.Count);
        Sphinx.Unwrap(mixes.Keys[0], packet, tags);
        Assert.Equal(1, tags.Count);
    }

    [Fact]
    public void A_replay_is_dropped_after_a_restart()
    {
        using var directory = new TempDirectory();
        var file = Path.Combine(directory.Path, "replay.db");
        using var mixes = new Mixes();
        var packet = Sphinx.CreatePacket(mixes.Path(3), [1]);
        var copy = packet.ToArray();
        var other = Sphinx.CreatePacket(mixes.Path(3), [2]);
        using (var tags = SqliteReplayTags.Open(file))
        {
            Sphinx.Unwrap(mixes.Keys[0], packet, tags);
        }

        // "Restart": a new store on the same file, the same key.
        using (var reopened = SqliteReplayTags.Open(file))
        {
            Assert.Equal(SphinxError.Replayed, Assert.Throws<SphinxException>(() => Sphinx.Unwrap(mixes.Keys[0], copy, reopened)).Error);
            Sphinx.Unwrap(mixes.Keys[0], other, reopened);
        }
    }

    [Fact]
    public void Tags_are_kept_per_epoch_and_old_epochs_are_forgotten()
    {
        using var directory = new TempDirectory();
        using var sqlite = SqliteReplayTags.Open(Path.Combine(directory.Path, "replay.db"));
        foreach (IReplayTags tags in new IReplayTags[] { new InMemoryReplayTags(), sqlite })
        {
            var tag = new byte[32];
            tag[0] = 7;
            Assert.True(tags.TryAdd(1, tag));
            Assert.False(tags.TryAdd(1, tag));
            Assert.True(tags.TryAdd(2, tag));
            tags.ForgetBefore(2);
            Assert.True(tags.TryAdd(1, tag));
            Assert.False(tags.TryAdd(2, tag));
        }
    }

    [Fact]
    public async Task Tags_committed_in_groups_are_new_exactly_once_and_survive_a_restart()
    {
        using var directory = new TempDirectory();
        var file = Path.Combine(directory.Path, "replay.db");
        var shared = Enumerable.Range(0, 50).Select(i => (Epoch: 3UL, Tag: Tag(i))).ToList();
        var callers = Enumerable.Range(0, 8).Select(c => shared.Concat(Enumerable.Range(0, 10).Select(i => (Epoch: 3UL, Tag: Tag(1000 + (c * 10) + i)))).ToList()).ToList();
        using (var tags = SqliteReplayTags.Open(file))
        {
            // Eight callers at once, each with the 50 shared tags and 10 of its own: the groups they fall into
            // are the store's choice, and each shared tag is new for exactly one of them.
            var results = await Task.WhenAll(callers.Select(c => Task.Run(() => tags.AddAsync(c))));
            for (int i = 0; i < shared.Count; i++)
            {
                Assert.Equal(1, results.Count(r => r[i]));
            }

            Assert.All(results, r => Assert.All(r[shared.Count..], x => Assert.True(x)));

            // A list that repeats a tag: its second copy is not new.
            var twice = await tags.AddAsync([(3UL, Tag(5000)), (3UL, Tag(5000)), (4UL, Tag(5000))]);
            Assert.Equal([true, false, true], twice);
        }

        using (var reopened = SqliteReplayTags.Open(file))
        {
            Assert.All(await reopened.AddAsync([.. callers.SelectMany(c => c)]), x => Assert.False(x));
            Assert.False(reopened.TryAdd(3, Tag(5000)));
        }
    }

    private static byte[] Tag(int i)
    {
        var tag = new byte[32];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(tag, i);
        return tag;
    }
}
