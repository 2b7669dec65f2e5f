using System.Security.Cryptography;
using Courier.Relay.Client;
using NSec.Cryptography;

namespace Courier.Node.Introductions;

/// <summary>
/// What the two introduced parties derive from the introduction's shared secret S and id with
/// HKDF-SHA256 (salt = id): for each role, the dead drop it reads the other's offer from, that
/// drop's read and append keys, and the key that seals its own offer; and, once both offers are known, the
/// secret of their new pairwise channel. The introducer knows S too: an introduction is exactly as
/// trustworthy as the introducer.
/// </summary>
internal static class IntroductionSecrets
{
    public static DropName DropOf(IntroductionStatement statement, IntroductionRole reader) => DropName.FromBytes(Derive(statement, "drop " + Name(reader), DropName.Size));

    public static DropReadKey ReadKeyOf(IntroductionStatement statement, IntroductionRole reader) => SigningKey(statement, "read " + Name(reader), seed => DropReadKey.Import(seed));

    /// <summary>The key that appends to <paramref name="reader"/>'s offer drop: the other party signs its offer's append with it.</summary>
    public static DropAppendKey AppendKeyOf(IntroductionStatement statement, IntroductionRole reader) => SigningKey(statement, "append " + Name(reader), seed => DropAppendKey.Import(seed));

    /// <summary>XChaCha20-Poly1305 key that seals the offer of <paramref name="sender"/>.</summary>
    public static Key OfferKeyOf(IntroductionStatement statement, IntroductionRole sender)
    {
        var key = Derive(statement, "offer " + Name(sender), 32);
        try
        {
            return Key.Import(AeadAlgorithm.XChaCha20Poly1305, key, KeyBlobFormat.RawSymmetricKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>The context each party's offer is signed over.</summary>
    public static byte[] OfferContext(IntroductionStatement statement, IntroductionRole sender) => [.. "introduction "u8, .. statement.Id, (byte)sender];

    /// <summary>The idempotency id of a party's offer append: retries store it once.</summary>
    public static MessageId OfferMessageId(IntroductionStatement statement, IntroductionRole sender)
        => MessageId.FromBytes(SHA256.HashData([.. "courier introduction v1 offer id"u8, .. statement.Id, (byte)sender]).AsSpan(0, MessageId.Size));

    /// <summary>The new relationship's pairwise secret, bound to both offers. The caller wipes it.</summary>
    public static byte[] PairwiseSecret(IntroductionStatement statement, byte[] firstOfferDigest, byte[] secondOfferDigest)
    {
        var secret = GC.AllocateArray<byte>(32, pinned: true);
        HKDF.DeriveKey(HashAlgorithmName.SHA256, statement.Secret, secret, statement.Id, [.. "courier introduction v1 pairwise"u8, .. firstOfferDigest, .. secondOfferDigest]);
        return secret;
    }

    public static IntroductionRole Other(IntroductionRole role) => role == IntroductionRole.First ? IntroductionRole.Second : IntroductionRole.First;

    private static string Name(IntroductionRole role) => role == IntroductionRole.First ? "first" : "second";

    private static T SigningKey<T>(IntroductionStatement statement, string label, Func<byte[], T> import)
    {
        var seed = Derive(statement, label, DropSigningKey.Size);
        try
        {
            return import(seed);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    private static byte[] Derive(IntroductionStatement statement, string label, int length)
    {
        var output = GC.AllocateArray<byte>(length, pinned: true);
        HKDF.DeriveKey(HashAlgorithmName.SHA256, statement.Secret, output, statement.Id, System.Text.Encoding.ASCII.GetBytes("courier introduction v1 " + label));
        return output;
    }
}
