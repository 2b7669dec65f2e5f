using System.Security.Cryptography;
using System.Text;
using Courier.Sodium;

namespace Courier.Relay.Client.Bundles;

/// <summary>
/// Whom a bundle section is sealed to: a relay, by its pinned Ed25519 identity key (mapped to X25519);
/// the members of a cell, by a key they share (derived from the MLS exporter of their epoch); or the
/// readers of a drop, by the drop's Ed25519 read key (mapped to X25519), whose seed only the members
/// of the drop's epoch hold.
/// </summary>
public sealed class BundleRecipient : IDisposable
{
    private readonly byte[] _key;
    private readonly byte[]? _dhInfo;

    private BundleRecipient(byte[] key, byte[]? dhInfo) => (_key, _dhInfo) = (key, dhInfo);

    /// <summary>A relay, by its identity key (the raw Ed25519 key a layer pins).</summary>
    /// <exception cref="ArgumentException">The key is not a valid Ed25519 public key.</exception>
    public static BundleRecipient Relay(ReadOnlySpan<byte> identityKey) => new(ToX25519(identityKey), BundleKdf.RelayInfo);

    /// <summary>The readers of a drop, by its read key (the raw Ed25519 key the relay keeps for it).</summary>
    /// <exception cref="ArgumentException">The key is not a valid Ed25519 public key.</exception>
    public static BundleRecipient DropReaders(ReadOnlySpan<byte> readKey) => new(ToX25519(readKey), BundleKdf.DropInfo);

    /// <summary>Members who share <paramref name="key"/> (32 bytes, copied).</summary>
    public static BundleRecipient Members(ReadOnlySpan<byte> key) => new(BundleKdf.CheckKey(key), null);

    /// <summary>Wipes a members' key (the others are public).</summary>
    public void Dispose() => CryptographicOperations.ZeroMemory(_key);

    /// <summary>The recipient secret for a bundle whose ephemeral key pair is (<paramref name="scalar"/>, <paramref name="ephemeral"/>).</summary>
    internal byte[] Secret(ReadOnlySpan<byte> scalar, ReadOnlySpan<byte> ephemeral)
    {
        if (_dhInfo is null)
        {
            return BundleKdf.MembersSecret(_key, ephemeral);
        }

        var shared = new byte[LibSodium.X25519Size];
        try
        {
            // A key that cannot receive was refused by ToX25519; a small-order result cannot come from it.
            return LibSodium.X25519(shared, scalar, _key)
                ? BundleKdf.DhSecret(shared, ephemeral, _key, _dhInfo)
                : throw new ArgumentException("The recipient's key cannot receive a bundle.");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(shared);
        }
    }

    private static byte[] ToX25519(ReadOnlySpan<byte> ed25519)
    {
        var x25519 = new byte[LibSodium.X25519Size];
        return LibSodium.Ed25519PublicToX25519(x25519, ed25519)
            ? x25519
            : throw new ArgumentException("A relay identity key or drop read key is a 32-byte Ed25519 public key.", nameof(ed25519));
    }
}

/// <summary>What opens the slots of a bundle meant for its holder: a relay's identity seed, a members' key, or a drop's read key seed.</summary>
public sealed class BundleKey : IDisposable
{
    private readonly byte[] _key;
    private readonly byte[] _publicKey;
    private readonly byte[] _dhInfo;

    private BundleKey(byte[] key, byte[] publicKey, byte[] dhInfo) => (_key, _publicKey, _dhInfo) = (key, publicKey, dhInfo);

    /// <summary>A relay's key, from the 32-byte seed of its Ed25519 identity key (which the caller wipes).</summary>
    public static BundleKey ForRelay(ReadOnlySpan<byte> identitySeed) => FromSeed(identitySeed, BundleKdf.RelayInfo);

    /// <summary>A drop's readers' key, from the 32-byte seed of the drop's Ed25519 read key (which the caller wipes).</summary>
    public static BundleKey ForDropReaders(ReadOnlySpan<byte> readSeed) => FromSeed(readSeed, BundleKdf.DropInfo);

    /// <summary>The members' key of <see cref="BundleRecipient.Members"/> (copied).</summary>
    public static BundleKey ForMembers(ReadOnlySpan<byte> key) => new(BundleKdf.CheckKey(key), [], []);

    private static BundleKey FromSeed(ReadOnlySpan<byte> seed, byte[] dhInfo)
    {
        var scalar = GC.AllocateArray<byte>(LibSodium.X25519Size, pinned: true);
        LibSodium.Ed25519SeedToX25519(scalar, seed);
        var publicKey = new byte[LibSodium.X25519Size];
        LibSodium.X25519Base(publicKey, scalar);
        return new BundleKey(scalar, publicKey, dhInfo);
    }

    /// <summary>The recipient secret for a bundle with ephemeral key <paramref name="ephemeral"/>, or null when it cannot be one (a small-order point).</summary>
    internal byte[]? Secret(ReadOnlySpan<byte> ephemeral)
    {
        if (_publicKey.Length == 0)
        {
            return BundleKdf.MembersSecret(_key, ephemeral);
        }

        var shared = new byte[LibSodium.X25519Size];
        try
        {
            return LibSodium.X25519(shared, _key, ephemeral) ? BundleKdf.DhSecret(shared, ephemeral, _publicKey, _dhInfo) : null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(shared);
        }
    }

    /// <summary>Wipes the key.</summary>
    public void Dispose() => CryptographicOperations.ZeroMemory(_key);
}

/// <summary>The key schedule of a bundle (docs/bundles.md, "Keys"): HKDF-SHA256 (RFC 5869) throughout.</summary>
internal static class BundleKdf
{
    /// <summary>The HKDF info of a relay's secret.</summary>
    public static readonly byte[] RelayInfo = Encoding.ASCII.GetBytes("courier bundle v1 relay");

    /// <summary>The HKDF info of a drop's readers' secret: another label than a relay's, so that neither key's secret is the other's.</summary>
    public static readonly byte[] DropInfo = Encoding.ASCII.GetBytes("courier bundle v1 drop");

    private static readonly byte[] MembersInfo = Encoding.ASCII.GetBytes("courier bundle v1 members");
    private static readonly byte[] SlotInfo = Encoding.ASCII.GetBytes("courier bundle v1 slot ");

    public static byte[] CheckKey(ReadOnlySpan<byte> key)
        => key.Length == 32 ? key.ToArray() : throw new ArgumentException("A bundle members' key is 32 bytes.", nameof(key));

    /// <summary>HKDF(ikm = X25519(e, X), salt = E || X, info): bound to both keys, as in HPKE's DHKEM (RFC 9180 §4.1).</summary>
    public static byte[] DhSecret(ReadOnlySpan<byte> shared, ReadOnlySpan<byte> ephemeral, ReadOnlySpan<byte> recipientX25519, byte[] info)
    {
        Span<byte> salt = stackalloc byte[64];
        ephemeral.CopyTo(salt);
        recipientX25519.CopyTo(salt[32..]);
        var secret = new byte[32];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, shared, secret, salt, info);
        return secret;
    }

    /// <summary>HKDF(ikm = the members' key, salt = E): fresh for every bundle.</summary>
    public static byte[] MembersSecret(ReadOnlySpan<byte> key, ReadOnlySpan<byte> ephemeral)
    {
        var secret = new byte[32];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, key, secret, ephemeral, MembersInfo);
        return secret;
    }

    /// <summary>The id tag (16 bytes) and key (32 bytes) of slot <paramref name="slot"/> for a recipient secret.</summary>
    public static (byte[] Id, byte[] Key) Slot(ReadOnlySpan<byte> secret, int slot)
    {
        Span<byte> info = stackalloc byte[SlotInfo.Length + 1];
        SlotInfo.CopyTo(info);
        info[^1] = (byte)slot;
        var okm = new byte[BundleFormat.SlotIdSize + 32];
        HKDF.Expand(HashAlgorithmName.SHA256, secret, okm, info);
        var result = (okm[..BundleFormat.SlotIdSize], okm[BundleFormat.SlotIdSize..]);
        CryptographicOperations.ZeroMemory(okm);
        return result;
    }
}
