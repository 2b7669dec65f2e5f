using System.Buffers.Binary;
using System.Security.Cryptography;
using NSec.Cryptography;

namespace Courier.Node.Storage;

/// <summary>
/// The two keys derived from the vault key with HKDF-SHA256 (RFC 5869): an XChaCha20-Poly1305 key
/// that seals every record, and an HMAC-SHA256 key that turns collection names and lookup names
/// into opaque tags. Both live in libsodium's guarded memory. A record's 24-byte nonce is random,
/// which XChaCha20's nonce size makes safe for any number of writes.
/// </summary>
internal sealed class VaultKeys : IDisposable
{
    /// <summary>The version byte in front of every sealed record.</summary>
    public const byte RecordVersion = 1;

    /// <summary>The size of a collection or lookup tag.</summary>
    public const int TagSize = 16;

    private static readonly AeadAlgorithm Aead = AeadAlgorithm.XChaCha20Poly1305;
    private static readonly MacAlgorithm Mac = MacAlgorithm.HmacSha256;

    private readonly Key _recordKey;
    private readonly Key _indexKey;

    private VaultKeys(Key recordKey, Key indexKey)
    {
        _recordKey = recordKey;
        _indexKey = indexKey;
    }

    public static VaultKeys Derive(ReadOnlySpan<byte> vaultKey)
    {
        Span<byte> okm = stackalloc byte[32];
        Key? recordKey = null;
        try
        {
            HKDF.DeriveKey(HashAlgorithmName.SHA256, vaultKey, okm, salt: default, "courier vault v1 records"u8);
            recordKey = Key.Import(Aead, okm, KeyBlobFormat.RawSymmetricKey);
            HKDF.DeriveKey(HashAlgorithmName.SHA256, vaultKey, okm, salt: default, "courier vault v1 index"u8);
            return new VaultKeys(recordKey, Key.Import(Mac, okm, KeyBlobFormat.RawSymmetricKey));
        }
        catch
        {
            recordKey?.Dispose();
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(okm);
        }
    }

    /// <summary>
    /// version || nonce || XChaCha20-Poly1305(u32 length || plaintext || zeros, associatedData), the
    /// padded plaintext a multiple of <paramref name="quantum"/> bytes. It is laid out and encrypted in
    /// place in the returned array, so no other copy of the plaintext is made.
    /// </summary>
    public byte[] Seal(ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> plaintext, int quantum)
    {
        var padded = (checked(4 + plaintext.Length) + quantum - 1) / quantum * quantum;
        var body = new byte[1 + Aead.NonceSize + padded + Aead.TagSize];
        body[0] = RecordVersion;
        var nonce = body.AsSpan(1, Aead.NonceSize);
        RandomNumberGenerator.Fill(nonce);
        var sealedPart = body.AsSpan(1 + Aead.NonceSize);
        BinaryPrimitives.WriteUInt32BigEndian(sealedPart, (uint)plaintext.Length);
        plaintext.CopyTo(sealedPart[4..]);
        Aead.Encrypt(_recordKey, nonce, associatedData, sealedPart[..padded], sealedPart);
        return body;
    }

    /// <summary>The plaintext of a sealed record, or null when it fails authentication. The caller wipes it.</summary>
    public byte[]? Open(ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> body)
    {
        var plaintext = new byte[Math.Max(0, OpenedLength(body))];
        return Open(associatedData, body, plaintext) ? plaintext : null;
    }

    /// <summary>The length of a sealed record's padded plaintext, or -1 when it is too short to be one.</summary>
    public static int OpenedLength(ReadOnlySpan<byte> body) => body.Length < 1 + Aead.NonceSize + Aead.TagSize ? -1 : body.Length - 1 - Aead.NonceSize - Aead.TagSize;

    /// <summary>Opens a sealed record into <paramref name="plaintext"/> (of <see cref="OpenedLength"/> bytes); false when it fails authentication.</summary>
    public bool Open(ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> body, Span<byte> plaintext)
        => OpenedLength(body) == plaintext.Length && body[0] == RecordVersion
            && Aead.Decrypt(_recordKey, body.Slice(1, Aead.NonceSize), associatedData, body[(1 + Aead.NonceSize)..], plaintext);

    /// <summary>HMAC-SHA256 under the index key, truncated to <see cref="TagSize"/> bytes.</summary>
    public byte[] Tag(ReadOnlySpan<byte> data)
    {
        Span<byte> mac = stackalloc byte[Mac.MacSize];
        Mac.Mac(_indexKey, data, mac);
        return mac[..TagSize].ToArray();
    }

    public void Dispose()
    {
        _recordKey.Dispose();
        _indexKey.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => "VaultKeys";
}
