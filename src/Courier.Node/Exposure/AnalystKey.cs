using System.Security.Cryptography;
using Courier.Node.Storage;
using Courier.Node.Wire;
using Courier.Sodium;

namespace Courier.Node.Exposure;

/// <summary>
/// The analyst's X25519 key pair, to which members seal the organization maps they export
/// (<see cref="Seal"/>: an ephemeral X25519 agreement, HKDF-SHA256 and ChaCha20-Poly1305, as an
/// ECIES sealed box). Its secret lives only in the analyst's vault (collection
/// <see cref="VaultCollection.AnalystKey"/>: <c>u16 version = 1 | secret[32]</c>), made on first use;
/// the public key is what the analyst hands members. Holds the secret: dispose it.
/// </summary>
internal sealed class AnalystKey : IDisposable
{
    public const int KeySize = 32;
    private const int TagSize = 16;
    private const ushort Version = 1;
    private const string LookupName = "analyst";
    private readonly byte[] _secret;

    private AnalystKey(byte[] secret)
    {
        _secret = secret;
        LibSodium.X25519Base(PublicKey, secret);
    }

    public byte[] PublicKey { get; } = new byte[KeySize];

    /// <summary>The key pair, made and stored on first use.</summary>
    public static AnalystKey Load(Vault vault)
    {
        var secret = vault.ReadFound(VaultCollection.AnalystKey, LookupName, Decode).FirstOrDefault();
        if (secret is null)
        {
            secret = GC.AllocateArray<byte>(KeySize, pinned: true);
            RandomNumberGenerator.Fill(secret);
            using var writer = new RecordWriter(2 + KeySize);
            using var transaction = vault.Begin();
            transaction.PutWiped(VaultCollection.AnalystKey, Vault.NewId(), writer.U16(Version).Fixed(secret).ToArray(), LookupName);
            transaction.Commit();
        }

        return new AnalystKey(secret);
    }

    /// <summary><c>ephemeral public[32] | ChaCha20-Poly1305 ciphertext and tag</c> of <paramref name="plaintext"/> for <paramref name="analyst"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="analyst"/> is not an X25519 public key of full order.</exception>
    public static byte[] Seal(byte[] analyst, ReadOnlySpan<byte> info, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> plaintext)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(analyst.Length, KeySize, nameof(analyst));
        var ephemeral = GC.AllocateArray<byte>(KeySize, pinned: true);
        RandomNumberGenerator.Fill(ephemeral);
        var sealedBox = new byte[KeySize + plaintext.Length + TagSize];
        LibSodium.X25519Base(sealedBox.AsSpan(0, KeySize), ephemeral);
        var key = SharedKey(ephemeral, analyst, sealedBox.AsSpan(0, KeySize), analyst, info)
            ?? throw new ArgumentException("This is not an analyst key.", nameof(analyst));
        CryptographicOperations.ZeroMemory(ephemeral);
        using var aead = new ChaCha20Poly1305(key);
        CryptographicOperations.ZeroMemory(key);

        // The key is fresh for every map (its ephemeral share is new): a zero nonce is never reused under it.
        aead.Encrypt(new byte[12], plaintext, sealedBox.AsSpan(KeySize, plaintext.Length), sealedBox.AsSpan(KeySize + plaintext.Length), aad);
        return sealedBox;
    }

    /// <summary>The plaintext of <see cref="Seal"/>, or null when it was sealed to another key or altered.</summary>
    public byte[]? Open(ReadOnlySpan<byte> sealedBox, ReadOnlySpan<byte> info, ReadOnlySpan<byte> aad)
    {
        if (sealedBox.Length < KeySize + TagSize)
        {
            return null;
        }

        var key = SharedKey(_secret, sealedBox[..KeySize], sealedBox[..KeySize], PublicKey, info);
        if (key is null)
        {
            return null;
        }

        using var aead = new ChaCha20Poly1305(key);
        CryptographicOperations.ZeroMemory(key);
        var plaintext = new byte[sealedBox.Length - KeySize - TagSize];
        try
        {
            aead.Decrypt(new byte[12], sealedBox[KeySize..^TagSize], sealedBox[^TagSize..], plaintext, aad);
            return plaintext;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }

    public void Dispose() => CryptographicOperations.ZeroMemory(_secret);

    /// <summary>HKDF-SHA256 of the X25519 agreement, salted with both public keys; null for a point of low order.</summary>
    private static byte[]? SharedKey(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> point, ReadOnlySpan<byte> ephemeralPublic, ReadOnlySpan<byte> analystPublic, ReadOnlySpan<byte> info)
    {
        var shared = GC.AllocateArray<byte>(KeySize, pinned: true);
        try
        {
            if (!LibSodium.X25519(shared, secret, point))
            {
                return null;
            }

            return HKDF.DeriveKey(HashAlgorithmName.SHA256, shared, KeySize, [.. ephemeralPublic, .. analystPublic], info.ToArray());
        }
        finally
        {
            CryptographicOperations.ZeroMemory(shared);
        }
    }

    private static byte[] Decode(byte[] id, ReadOnlySpan<byte> plaintext)
    {
        var reader = new RecordReader(plaintext, "analyst key");
        if (reader.U16() != Version)
        {
            throw reader.Error("its version is unknown");
        }

        var secret = GC.AllocateArray<byte>(KeySize, pinned: true);
        reader.Fixed(KeySize).CopyTo(secret);
        reader.EnsureEnd();
        return secret;
    }
}
