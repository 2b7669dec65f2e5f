using System.Diagnostics;
using Courier.Mls.Codec;
using Courier.Mls.Messages;
using Courier.Mls.TranscriptHash;
using Xunit.Abstractions;

namespace Courier.Mls.Tests.Messages;

/// <summary>
/// Property: for every decoder, every input either decodes and re-encodes to exactly the same
/// bytes, or fails with <see cref="DecodeException"/>. Inputs are random bytes, every truncation
/// of real messages, and random mutations (bit flips, byte insertions, deletions, overwrites,
/// spliced ranges) of them. Seeded, so a failure is reproducible.
/// </summary>
public class DecoderRobustnessTests(ITestOutputHelper output)
{
    private const int MutationsPerSeed = 3000;
    private const int RandomInputs = 3000;

    /// <summary>Decodes the whole input as one value and returns its re-encoding.</summary>
    private delegate byte[] RoundTrip(byte[] input);

    private static readonly Dictionary<string, RoundTrip> Decoders = new(StringComparer.Ordinal)
    {
        [nameof(MLSMessage)] = Of(MLSMessage.Decode),
        [nameof(PublicMessage)] = Of(PublicMessage.Decode),
        [nameof(PrivateMessage)] = Of(PrivateMessage.Decode),
        [nameof(Welcome)] = Of(Welcome.Decode),
        [nameof(GroupInfo)] = Of(GroupInfo.Decode),
        [nameof(GroupInfoTBS)] = Of(GroupInfoTBS.Decode),
        [nameof(GroupContext)] = Of(GroupContext.Decode),
        [nameof(KeyPackage)] = Of(KeyPackage.Decode),
        [nameof(KeyPackageTBS)] = Of(KeyPackageTBS.Decode),
        [nameof(LeafNode)] = Of(LeafNode.Decode),
        [nameof(LeafNodeTBS)] = Of(LeafNodeTBS.Decode),
        [nameof(Credential)] = Of(Credential.Decode),
        [nameof(Capabilities)] = Of(Capabilities.Decode),
        [nameof(Lifetime)] = Of(Lifetime.Decode),
        [nameof(Extension)] = Of(Extension.Decode),
        ["Extensions"] = input => Encode(TlsReader.Decode(input, "Extensions", Extension.DecodeList), (w, v) => w.WriteVector(v)),
        [nameof(ExternalSender)] = Of(ExternalSender.Decode),
        ["ExternalSenders"] = input => Encode(TlsReader.Decode(input, "ExternalSenders", ExternalSender.DecodeList), ExternalSender.EncodeList),
        [nameof(RequiredCapabilities)] = Of(RequiredCapabilities.Decode),
        [nameof(ExternalPub)] = Of(ExternalPub.Decode),
        [nameof(Node)] = Of(Node.Decode),
        [nameof(ParentNode)] = Of(ParentNode.Decode),
        ["RatchetTree"] = input => Encode(TlsReader.Decode(input, "RatchetTree", Node.DecodeRatchetTree), Node.EncodeRatchetTree),
        [nameof(UpdatePath)] = Of(UpdatePath.Decode),
        [nameof(UpdatePathNode)] = Of(UpdatePathNode.Decode),
        [nameof(HPKECiphertext)] = Of(HPKECiphertext.Decode),
        [nameof(Proposal)] = Of(Proposal.Decode),
        [nameof(Add)] = Of(Add.Decode),
        [nameof(Update)] = Of(Update.Decode),
        [nameof(Remove)] = Of(Remove.Decode),
        [nameof(PreSharedKey)] = Of(PreSharedKey.Decode),
        [nameof(PreSharedKeyID)] = Of(PreSharedKeyID.Decode),
        [nameof(ReInit)] = Of(ReInit.Decode),
        [nameof(ExternalInit)] = Of(ExternalInit.Decode),
        [nameof(GroupContextExtensions)] = Of(GroupContextExtensions.Decode),
        [nameof(ProposalOrRef)] = Of(ProposalOrRef.Decode),
        [nameof(Commit)] = Of(Commit.Decode),
        [nameof(FramedContent)] = Of(FramedContent.Decode),
        // The auth data's shape depends on the content type: try it as a commit's.
        [nameof(FramedContentAuthData)] = Of(static (ref TlsReader r) => FramedContentAuthData.Decode(ref r, ContentType.Commit)),
        [nameof(FramedContentTBS)] = Of(FramedContentTBS.Decode),
        [nameof(AuthenticatedContent)] = Of(AuthenticatedContent.Decode),
        [nameof(AuthenticatedContentTBM)] = Of(AuthenticatedContentTBM.Decode),
        [nameof(ConfirmedTranscriptHashInput)] = Of(ConfirmedTranscriptHashInput.Decode),
        [nameof(InterimTranscriptHashInput)] = Of(InterimTranscriptHashInput.Decode),
        [nameof(EncryptedGroupSecrets)] = Of(EncryptedGroupSecrets.Decode),
        [nameof(GroupSecrets)] = input =>
        {
            using var secrets = TlsReader.Decode(input, nameof(GroupSecrets), GroupSecrets.Decode);
            return TlsWriter.Encode(secrets);
        },
        ["GroupSecrets.FromBytes"] = input =>
        {
            using var secrets = GroupSecrets.FromBytes(input);
            using var encoded = secrets.ToSecret();
            return encoded.Export();
        },
    };

    public static TheoryData<string> DecoderNames() => [.. Decoders.Keys];

    [Fact]
    public void Every_decoder_has_real_samples()
    {
        foreach (var name in Decoders.Keys)
        {
            Assert.True(SamplesFor(name).Count > 0, $"no sample of {name}");
        }
    }

    [Theory]
    [MemberData(nameof(DecoderNames))]
    public void Decoding_succeeds_canonically_or_throws_DecodeException(string name)
    {
        var roundTrip = Decoders[name];
        var seeds = SamplesFor(name);
        // string.GetHashCode is randomized per process: derive the seed from the name itself.
        var random = new Random(name.Aggregate(0x5EED, (h, c) => unchecked((h * 31) + c)));
        var stopwatch = Stopwatch.StartNew();
        int decoded = 0, rejected = 0;

        void Run(byte[] input)
        {
            try
            {
                var reencoded = roundTrip(input);
                Assert.True(input.AsSpan().SequenceEqual(reencoded), $"{name}: decoded but re-encoded differently{Environment.NewLine}in:  {Convert.ToHexStringLower(input)}{Environment.NewLine}out: {Convert.ToHexStringLower(reencoded)}");
                decoded++;
            }
            catch (DecodeException)
            {
                rejected++;
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                Assert.Fail($"{name}: {e.GetType().Name} ({e.Message}) on input {Convert.ToHexStringLower(input)}{Environment.NewLine}{e.StackTrace}");
            }
        }

        foreach (var seed in seeds)
        {
            Run(seed);
            for (var length = 0; length < seed.Length; length++)
            {
                Run(seed[..length]);
            }

            for (var i = 0; i < MutationsPerSeed; i++)
            {
                Run(Mutate(seed, random));
            }
        }

        for (var i = 0; i < RandomInputs; i++)
        {
            var input = new byte[random.Next(0, 96)];
            random.NextBytes(input);
            Run(input);
        }

        output.WriteLine($"{name}: {seeds.Count} seeds, {decoded} decoded, {rejected} rejected, {stopwatch.ElapsedMilliseconds} ms");
        Assert.True(decoded >= seeds.Count, $"{name}: the real samples themselves must decode");
        Assert.True(rejected > 0, $"{name}: nothing was rejected");
    }

    private static IReadOnlyList<byte[]> SamplesFor(string name)
        => MessageSamples.Of(name == "GroupSecrets.FromBytes" ? nameof(GroupSecrets) : name);

    /// <summary>One to three random edits of <paramref name="seed"/>.</summary>
    private static byte[] Mutate(byte[] seed, Random random)
    {
        var bytes = new List<byte>(seed);
        var edits = random.Next(1, 4);
        for (var e = 0; e < edits; e++)
        {
            var position = random.Next(0, bytes.Count + 1);
            switch (random.Next(6))
            {
                case 0 when bytes.Count > 0:
                    position = Math.Min(position, bytes.Count - 1);
                    bytes[position] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes.Insert(position, (byte)random.Next(256));
                    break;
                case 2 when bytes.Count > 0:
                    bytes.RemoveAt(Math.Min(position, bytes.Count - 1));
                    break;
                case 3 when bytes.Count > 0:
                    // Length-like values: 0, 1, the varint boundaries, 0xFF.
                    position = Math.Min(position, bytes.Count - 1);
                    byte[] interesting = [0x00, 0x01, 0x02, 0x3F, 0x40, 0x7F, 0x80, 0xBF, 0xC0, 0xFF];
                    bytes[position] = interesting[random.Next(interesting.Length)];
                    break;
                case 4 when bytes.Count > 1:
                    // Delete a range.
                    var start = Math.Min(position, bytes.Count - 1);
                    bytes.RemoveRange(start, random.Next(1, Math.Min(16, bytes.Count - start) + 1));
                    break;
                default:
                    // Duplicate a range somewhere else.
                    if (bytes.Count > 0)
                    {
                        var from = random.Next(bytes.Count);
                        var count = random.Next(1, Math.Min(32, bytes.Count - from) + 1);
                        bytes.InsertRange(position, bytes.GetRange(from, count));
                    }

                    break;
            }
        }

        return [.. bytes];
    }

    private static RoundTrip Of<T>(ReadFunc<T> decode)
        where T : ITlsEncodable
        => input => TlsWriter.Encode(TlsReader.Decode(input, typeof(T).Name, decode));

    private static byte[] Encode<T>(T value, Action<TlsWriter, T> encode)
    {
        var writer = new TlsWriter();
        encode(writer, value);
        return writer.ToArray();
    }
}
