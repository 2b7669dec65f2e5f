using Courier.Relay.Client.Mix;
using Courier.Relay.Mix;
using NSec.Cryptography;

namespace Courier.Relay.Tests.Mix;

/// <summary>The mix key schedule and the signed descriptor (docs/mixnet.md, "Key schedule", "Descriptors").</summary>
public sealed class MixKeyScheduleTests : IDisposable
{
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
    private readonly TempDirectory _dir = new();
    private readonly ManualClock _clock = new(Start);

    [Fact]
    public void The_current_and_next_keys_are_published_and_the_previous_unwraps_only_through_its_grace_period()
    {
        var tags = new InMemoryReplayTags();
        using var schedule = new MixKeySchedule(Options(), _clock, tags);
        ulong epoch = schedule.EpochAt(Start);
        var published = schedule.Published();
        Assert.Equal([epoch, epoch + 1], published.Select(k => k.Epoch));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds((long)epoch * 60), published[0].ValidFrom);
        Assert.Equal(published[0].ValidUntil, published[1].ValidFrom);
        tags.TryAdd(epoch, new byte[32]);

        // Next epoch, within the grace period: the old key still unwraps, but is no longer published.
        _clock.Now = published[0].ValidUntil + TimeSpan.FromSeconds(5);
        Assert.Equal([epoch + 1, epoch + 2], schedule.Published().Select(k => k.Epoch));
        Assert.Equal([epoch + 1, epoch + 2, epoch], schedule.WithKeys(keys => keys.Select(k => k.Epoch).ToList()));
        Assert.Equal(1, tags.Count);

        // After it: wiped, its file deleted, its replay tags forgotten.
        _clock.Now = published[0].ValidUntil + TimeSpan.FromSeconds(10);
        Assert.Equal([epoch + 1, epoch + 2], schedule.WithKeys(keys => keys.Select(k => k.Epoch).ToList()));
        Assert.Equal(0, tags.Count);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(_dir.Path, "mix-keys")).Length);
    }

    [Fact]
    public void A_restart_keeps_the_keys_and_key_files_are_owner_only()
    {
        byte[][] before;
        using (var schedule = new MixKeySchedule(Options(), _clock, new InMemoryReplayTags()))
        {
            before = [.. schedule.Published().Select(k => k.PublicKey)];
        }

        using var again = new MixKeySchedule(Options(), _clock, new InMemoryReplayTags());
        Assert.Equal(before, again.Published().Select(k => k.PublicKey));
        var files = Directory.GetFiles(Path.Combine(_dir.Path, "mix-keys")).ToList();
        Assert.Equal(2, files.Count);
        if (!OperatingSystem.IsWindows())
        {
            foreach (var file in files)
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            }
        }
    }

    [Fact]
    public void A_descriptor_verifies_against_its_pin_and_nothing_else()
    {
        using var identity = Key.Create(SignatureAlgorithm.Ed25519);
        using var other = Key.Create(SignatureAlgorithm.Ed25519);
        using var schedule = new MixKeySchedule(Options(), _clock, new InMemoryReplayTags());
        var json = MixDescriptor.Sign(identity, schedule.Published());
        var pin = identity.PublicKey.Export(KeyBlobFormat.RawPublicKey);

        var descriptor = MixDescriptor.Verify(json, pin);
        Assert.Equal(MixDescriptor.NodeIdOf(pin), descriptor.NodeId);
        Assert.Equal(schedule.Published()[0].PublicKey, descriptor.KeyAt(_clock.Now).PublicKey);

        // Signed by another key: refused against the pin, and valid only as that other relay's.
        var forged = MixDescriptor.Sign(other, schedule.Published());
        Assert.Equal(MixDescriptorError.NotPinnedKey, Assert.Throws<MixDescriptorException>(() => MixDescriptor.Verify(forged, pin)).Error);

        // The pinned key's identity with another's signature, or a changed key: the signature fails.
        var text = System.Text.Encoding.UTF8.GetString(json);
        var otherText = System.Text.Encoding.UTF8.GetString(forged);
        var spliced = text[..text.IndexOf("\"signature\"", StringComparison.Ordinal)] + otherText[otherText.IndexOf("\"signature\"", StringComparison.Ordinal)..];
        Assert.Equal(MixDescriptorError.BadSignature, Assert.Throws<MixDescriptorException>(() => MixDescriptor.Verify(System.Text.Encoding.UTF8.GetBytes(spliced), pin)).Error);
        var key = System.Buffers.Text.Base64Url.EncodeToString(schedule.Published()[0].PublicKey);
        var swapped = text.Replace(key, System.Buffers.Text.Base64Url.EncodeToString(new byte[32]), StringComparison.Ordinal);
        Assert.Equal(MixDescriptorError.BadSignature, Assert.Throws<MixDescriptorException>(() => MixDescriptor.Verify(System.Text.Encoding.UTF8.GetBytes(swapped), pin)).Error);
        Assert.Equal(MixDescriptorError.Malformed, Assert.Throws<MixDescriptorException>(() => MixDescriptor.Verify("{}"u8, pin)).Error);

        // Once both published keys expired, the descriptor gives none.
        var expired = descriptor.Keys[^1].ValidUntil;
        Assert.Equal(MixDescriptorError.NoValidKey, Assert.Throws<MixDescriptorException>(() => descriptor.KeyAt(expired)).Error);
        Assert.Equal(descriptor.Keys[^1].PublicKey, descriptor.KeyAt(expired - TimeSpan.FromSeconds(1)).PublicKey);
    }

    public void Dispose() => _dir.Dispose();

    private MixOptions Options() => new() { DataDirectory = _dir.Path, EpochLength = TimeSpan.FromSeconds(60), Grace = TimeSpan.FromSeconds(10) };
}
