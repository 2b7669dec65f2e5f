using System.Security.Cryptography;
using Courier.Relay.Client;
using Courier.Relay.Client.Bundles;
using NSec.Cryptography;

namespace Courier.Relay.Tests.Bundles;

/// <summary>The bundle format (docs/bundles.md) against what a courier, a border guard or another recipient could try.</summary>
public sealed class BundleFormatTests
{
    [Fact]
    public void The_sizes_are_64_KiB_times_four_to_the_k()
        => Assert.Equal([64 << 10, 256 << 10, 1 << 20, 4 << 20, 16 << 20, 64 << 20], BundleFormat.Sizes);

    [Fact]
    public void Each_recipient_opens_its_own_sections_and_nothing_else()
    {
        using var relay = new Identity();
        var (members, outsider) = (RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32));
        var (forRelay, forMembers) = (Entries(3), Entries(2));
        var bundle = BundleWriter.Write([new([relay.Recipient], forRelay), new([BundleRecipient.Members(members)], forMembers)], 1_800_000_000);

        using var relayKey = relay.Key();
        var opened = Assert.Single(BundleReader.Open(bundle, [relayKey]));
        Assert.Equal(forRelay, opened.Entries, EntryComparer.Instance);
        Assert.Equal(1_800_000_000, opened.CreatedAt);

        using var membersKey = BundleKey.ForMembers(members);
        Assert.Equal(forMembers, Assert.Single(BundleReader.Open(bundle, [membersKey])).Entries, EntryComparer.Instance);

        using var outsiderKey = BundleKey.ForMembers(outsider);
        using var otherRelay = new Identity();
        using var otherRelayKey = otherRelay.Key();
        Assert.Equal(BundleRefusal.NothingForYou, Assert.Throws<BundleException>(() => BundleReader.Open(bundle, [outsiderKey, otherRelayKey])).Reason);
        Assert.False(BundleReader.Recognizes(bundle, [outsiderKey, otherRelayKey]));
        Assert.True(BundleReader.Recognizes(bundle, [outsiderKey, membersKey]));
        Assert.False(BundleReader.Recognizes(RandomNumberGenerator.GetBytes(bundle.Length), [membersKey, relayKey]));
    }

    [Fact]
    public void A_relay_in_two_sections_opens_both()
    {
        using var relay = new Identity();
        var (first, second) = (Entries(1), Entries(2));
        var bundle = BundleWriter.Write([new([relay.Recipient], first), new([relay.Recipient], second)], 0);
        using var key = relay.Key();
        Assert.Equal(3, BundleReader.Open(bundle, [key]).Sum(s => s.Entries.Count));
    }

    [Fact]
    public void The_size_grows_in_fixed_steps_and_what_does_not_fit_is_refused_in_plain_words()
    {
        using var relay = new Identity();
        Assert.Equal(64 << 10, BundleWriter.Write([new([relay.Recipient], Entries(1))], 0).Length);
        Assert.Equal(256 << 10, BundleWriter.Write([new([relay.Recipient], Entries(1, EnvelopeSizes.Max))], 0).Length);
        var tooMany = Enumerable.Range(0, BundleFormat.SlotCount + 1).Select(_ => new BundleSection([relay.Recipient], Entries(1))).ToList();
        Assert.Equal(BundleRefusal.TooLarge, Assert.Throws<BundleException>(() => BundleWriter.Write(tooMany, 0)).Reason);
    }

    [Fact]
    public void Blocks_reordered_within_a_bundle_or_spliced_from_another_are_refused()
    {
        using var relay = new Identity();
        using var key = relay.Key();
        var first = BundleWriter.Write([new([relay.Recipient], Entries(40))], 0);
        var second = BundleWriter.Write([new([relay.Recipient], Entries(40))], 0);
        Assert.True(BundleFormat.BlockCount(first.Length) > 2 && BundleReader.Open(first, [key]).Count == 1);

        var swapped = (byte[])first.Clone();
        first.AsSpan(BundleFormat.HeaderSize, BundleFormat.BlockSize).CopyTo(swapped.AsSpan(BundleFormat.HeaderSize + BundleFormat.BlockSize));
        first.AsSpan(BundleFormat.HeaderSize + BundleFormat.BlockSize, BundleFormat.BlockSize).CopyTo(swapped.AsSpan(BundleFormat.HeaderSize));
        Assert.Equal(BundleRefusal.Altered, Assert.Throws<BundleException>(() => BundleReader.Open(swapped, [key])).Reason);

        // The header of one bundle with the blocks of another, and a block of another in its place.
        var spliced = (byte[])second.Clone();
        first.AsSpan(0, BundleFormat.HeaderSize).CopyTo(spliced);
        Assert.Equal(BundleRefusal.Altered, Assert.Throws<BundleException>(() => BundleReader.Open(spliced, [key])).Reason);
        var patched = (byte[])first.Clone();
        second.AsSpan(BundleFormat.HeaderSize + BundleFormat.BlockSize, BundleFormat.BlockSize).CopyTo(patched.AsSpan(BundleFormat.HeaderSize + BundleFormat.BlockSize));
        Assert.Equal(BundleRefusal.Altered, Assert.Throws<BundleException>(() => BundleReader.Open(patched, [key])).Reason);
    }

    [Fact]
    public void A_truncated_bundle_padded_back_to_a_size_is_refused()
    {
        using var relay = new Identity();
        using var key = relay.Key();
        var bundle = BundleWriter.Write([new([relay.Recipient], Entries(2))], 0);
        foreach (var cut in new[] { BundleFormat.HeaderSize, BundleFormat.HeaderSize + 100, bundle.Length - 1 })
        {
            var padded = (byte[])bundle.Clone();
            RandomNumberGenerator.Fill(padded.AsSpan(cut));
            Assert.Equal(BundleRefusal.Altered, Assert.Throws<BundleException>(() => BundleReader.Open(padded, [key])).Reason);
            Assert.Equal(BundleRefusal.NotABundleSize, Assert.Throws<BundleException>(() => BundleReader.Open(bundle.AsSpan(0, cut), [key])).Reason);
        }
    }

    [Fact]
    public void The_append_authorization_binds_drop_id_and_envelope_and_needs_the_append_key()
    {
        using var appendKey = DropAppendKey.Create();
        using var stranger = DropAppendKey.Create();
        var (drop, id, envelope) = (DropName.NewRandom(), MessageId.NewRandom(), RandomNumberGenerator.GetBytes(1024));
        var entry = BundleEntry.Authorize(appendKey, drop, id, envelope);
        Assert.True(entry.IsAuthorizedBy(appendKey.PublicKey));
        Assert.False(entry.IsAuthorizedBy(stranger.PublicKey));
        Assert.False((entry with { Drop = DropName.NewRandom() }).IsAuthorizedBy(appendKey.PublicKey));
        Assert.False((entry with { Id = MessageId.NewRandom() }).IsAuthorizedBy(appendKey.PublicKey));
        var altered = (byte[])envelope.Clone();
        altered[500] ^= 1;
        Assert.False((entry with { Envelope = altered }).IsAuthorizedBy(appendKey.PublicKey));
        Assert.False(BundleEntry.Authorize(stranger, drop, id, envelope).IsAuthorizedBy(appendKey.PublicKey));
    }

    [Fact]
    public void Mutated_bundles_and_malformed_sections_get_a_typed_refusal_never_a_crash()
    {
        using var relay = new Identity();
        using var key = relay.Key();
        var bundle = BundleWriter.Write([new([relay.Recipient], Entries(3))], 0);
        var random = new Random(19);
        for (var i = 0; i < 300; i++)
        {
            var mutated = (byte[])bundle.Clone();
            for (var k = random.Next(1, 8); k > 0; k--)
            {
                mutated[random.Next(mutated.Length)] ^= (byte)random.Next(1, 256);
            }

            Assert.Throws<BundleException>(() => BundleReader.Open(mutated, [key]));
        }

        // What a recipient decrypts is parsed strictly: counts, lengths and padding that do not add up are refused.
        var genuine = BundleSectionCodec.Encode(0, new BundleSection([], Entries(2)));
        Assert.Equal(2, BundleSectionCodec.Decode([.. genuine, 0, 0, 0])!.Value.Entries.Count);
        for (var i = 0; i < 3000; i++)
        {
            var section = (byte[])genuine.Clone();
            switch (random.Next(4))
            {
                case 0: section = section[..random.Next(section.Length)]; break;
                case 1: section[random.Next(2) == 0 ? 0 : 9 + random.Next(4)] = (byte)random.Next(256); break;
                case 2: section[13 + DropName.Size + MessageId.Size + random.Next(4)] = (byte)random.Next(256); break;
                default: section = [.. section, (byte)random.Next(1, 256)]; break;
            }

            if (BundleSectionCodec.Decode(section) is { } decoded)
            {
                Assert.True(decoded.Entries.Count <= 2);
            }
        }
    }

    internal static List<BundleEntry> Entries(int count, int size = 1024)
    {
        using var key = DropAppendKey.Create();
        return [.. Enumerable.Range(0, count).Select(_ => BundleEntry.Authorize(key, DropName.NewRandom(), MessageId.NewRandom(), RandomNumberGenerator.GetBytes(size)))];
    }

    /// <summary>A relay's identity key pair, as a relay with <c>--data</c> keeps it.</summary>
    internal sealed class Identity : IDisposable
    {
        private readonly NSec.Cryptography.Key _key = NSec.Cryptography.Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });

        public byte[] PublicKey => _key.PublicKey.Export(KeyBlobFormat.RawPublicKey);

        public BundleRecipient Recipient => BundleRecipient.Relay(PublicKey);

        public BundleKey Key()
        {
            var seed = _key.Export(KeyBlobFormat.RawPrivateKey);
            try
            {
                return BundleKey.ForRelay(seed);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(seed);
            }
        }

        public void Dispose() => _key.Dispose();
    }

    private sealed class EntryComparer : IEqualityComparer<BundleEntry>
    {
        public static readonly EntryComparer Instance = new();

        public bool Equals(BundleEntry? x, BundleEntry? y)
            => x!.Drop == y!.Drop && x.Id == y.Id && x.Envelope.AsSpan().SequenceEqual(y.Envelope) && x.Authorization.AsSpan().SequenceEqual(y.Authorization);

        public int GetHashCode(BundleEntry obj) => obj.Drop.GetHashCode();
    }
}
