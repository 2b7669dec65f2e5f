using NSec.Cryptography;

namespace Courier.Frost.Tests;

internal static class TestSupport
{
    /// <summary>A random source that hands out these bytes in order (a test vector's randomness), then fails.</summary>
    public static RandomSource Replay(params byte[][] chunks)
    {
        var queue = new Queue<byte[]>(chunks);
        return destination =>
        {
            var next = queue.Dequeue();
            Assert.Equal(destination.Length, next.Length);
            next.CopyTo(destination);
        };
    }

    /// <summary>A deterministic source for reproducible random tests.</summary>
    public static RandomSource Seeded(int seed)
    {
        var rng = new Random(seed);
        return destination => rng.NextBytes(destination);
    }

    /// <summary>Plain RFC 8032 Ed25519 verification by NSec, which knows nothing of FROST.</summary>
    public static bool NSecVerifies(byte[] groupKey, byte[] message, byte[] signature) =>
        PublicKey.TryImport(SignatureAlgorithm.Ed25519, groupKey, KeyBlobFormat.RawPublicKey, out var key)
        && SignatureAlgorithm.Ed25519.Verify(key!, message, signature);

    /// <summary>Runs both rounds with these participants' keys and aggregates.</summary>
    public static byte[] SignWith(IReadOnlyList<KeyPackage> signers, PublicKeyPackage publicKeys, byte[] message, RandomSource? random = null)
    {
        var nonces = signers.Select(k => Signing.Commit(k, random)).ToArray();
        var package = new SigningPackage(nonces.Select(n => n.Commitments), message);
        var shares = signers.Select((k, i) => Signing.Sign(package, nonces[i], k)).ToArray();
        return Signing.Aggregate(package, shares, publicKeys);
    }

    public static byte[] Hex(string hex) => Convert.FromHexString(hex);
}
