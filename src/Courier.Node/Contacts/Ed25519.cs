using NSec.Cryptography;

namespace Courier.Node.Contacts;

/// <summary>Ed25519 (RFC 8032) signing and verification through libsodium, for the node's pairwise keys.</summary>
internal static class Ed25519
{
    public const int SeedSize = 32;
    public const int PublicKeySize = 32;
    public const int SignatureSize = 64;

    private static readonly SignatureAlgorithm Algorithm = SignatureAlgorithm.Ed25519;

    public static byte[] PublicKeyOf(ReadOnlySpan<byte> seed)
    {
        using var key = Key.Import(Algorithm, seed, KeyBlobFormat.RawPrivateKey);
        return key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
    }

    public static byte[] Sign(ReadOnlySpan<byte> seed, ReadOnlySpan<byte> message)
    {
        using var key = Key.Import(Algorithm, seed, KeyBlobFormat.RawPrivateKey);
        return Algorithm.Sign(key, message);
    }

    /// <summary>False for a malformed key, a signature of the wrong size or one that does not verify.</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
        => publicKey.Length == PublicKeySize
            && signature.Length == SignatureSize
            && NSec.Cryptography.PublicKey.TryImport(Algorithm, publicKey, KeyBlobFormat.RawPublicKey, out var key)
            && Algorithm.Verify(key!, message, signature);
}
