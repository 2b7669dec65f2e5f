using System.Security.Cryptography;
using Courier.Frost;

namespace Courier.Fuzz;

/// <summary>
/// Every FROST encoding a council member reads from others or from its vault (docs/frost.md): each
/// refuses with <see cref="FrostException"/>, and whatever it accepts must write back to the same
/// bytes (one encoding per value: a second one would let a relayed message change without notice).
/// </summary>
internal static class FrostTargets
{
    private static readonly Func<byte[], byte[]>[] Decoders =
    [
        bytes => KeyPackage.Deserialize(bytes).Serialize(),
        bytes => PublicKeyPackage.Deserialize(bytes).Serialize(),
        bytes => SigningNonces.Deserialize(bytes).Serialize(),
        bytes => SigningCommitments.Deserialize(bytes).Serialize(),
        bytes => SigningPackage.Deserialize(bytes).Serialize(),
        bytes => SignatureShare.Deserialize(bytes).Serialize(),
        bytes => DkgCommitment.Deserialize(bytes).Serialize(),
        bytes => SecretShare.Deserialize(bytes).Serialize(),
    ];

    public static IEnumerable<FuzzTarget> All =>
    [
        new("frost", "every FROST decoder (key package, public key package, nonces, commitments, signing package, signature share, DKG commitment, DKG secret share) on the same bytes; what is accepted must encode back to them", input =>
        {
            foreach (var decode in Decoders)
            {
                try
                {
                    if (!decode(input).AsSpan().SequenceEqual(input))
                    {
                        throw new InvalidOperationException("A FROST encoding was accepted that does not write back to the same bytes.");
                    }
                }
                catch (FrostException)
                {
                }
            }
        }),
    ];

    public static IEnumerable<(string Target, string Name, byte[] Bytes)> Seeds()
    {
        var counter = 0;
        void Random(Span<byte> destination)
        {
            for (var at = 0; at < destination.Length; at += 32)
            {
                var block = SHA256.HashData(BitConverter.GetBytes(counter++));
                block.AsSpan(0, Math.Min(32, destination.Length - at)).CopyTo(destination[at..]);
            }
        }

        var dealt = TrustedDealer.Generate(2, 3, Random);
        using var first = Signing.Commit(dealt.Shares[0], Random);
        using var second = Signing.Commit(dealt.Shares[1], Random);
        var package = new SigningPackage([first.Commitments, second.Commitments], "bulletin"u8);
        yield return ("frost", "public-keys", dealt.PublicKeys.Serialize());
        yield return ("frost", "commitments", first.Commitments.Serialize());
        yield return ("frost", "package", package.Serialize());
        yield return ("frost", "share", Signing.Sign(package, first, dealt.Shares[0]).Serialize());
        var dkg = Enumerable.Range(1, 3).Select(i => DkgParticipant.Start(Identifier.FromNumber((ushort)i), 2, 3, Random)).ToList();
        yield return ("frost", "dkg-commitment", dkg[0].Commitment.Serialize());
    }
}
