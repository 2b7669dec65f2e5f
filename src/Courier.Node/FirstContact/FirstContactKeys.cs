using System.Security.Cryptography;

namespace Courier.Node.FirstContact;

/// <summary>
/// The keys of one first contact, all from CPace's ISK (docs/node.md, "Key confirmation"):
/// <code>
/// prk   = HKDF-Extract(SHA-512, salt = sid, ISK)
/// th0   = SHA-512("courier first contact v1" || transcript_ir(Ya, ADa, Yb, ADb))
/// reply_tag   = HMAC-SHA512(K("tag acceptor"), "reply" || th0)      sealed offer B under K("seal acceptor"), ad th0
/// th1   = SHA-512(th0 || sealed offer B)
/// confirm_tag = HMAC-SHA512(K("tag inviter"), "confirm" || th1)     sealed offer A under K("seal inviter"), ad th1
/// th2   = SHA-512(th1 || sealed offer A)
/// ack_tag     = HMAC-SHA512(K("tag acceptor"), "ack" || th2)
/// pairwise    = HKDF-Expand(prk, "courier first contact v1 pairwise" || th2, 32)
/// </code>
/// where K(label) = HKDF-Expand(prk, "courier first contact v1 " + label). Each seal key is used for
/// exactly one ChaCha20-Poly1305 encryption, so its nonce is zero. Tags compare in constant time.
/// </summary>
internal sealed class FirstContactKeys : IDisposable
{
    public const int TagSize = 64;
    private const int NonceSize = 12;
    private const int AeadTagSize = 16;

    private readonly byte[] _prk;
    private readonly byte[] _th0;
    private byte[] _transcriptHash;

    private FirstContactKeys(byte[] prk, byte[] th0)
    {
        _prk = prk;
        _th0 = th0;
        _transcriptHash = th0;
    }

    /// <summary>The context each offer is signed over: binds it to this CPace run and to its sender's role.</summary>
    public byte[] OfferContext(bool inviter) => [.. "first contact "u8, inviter ? (byte)'A' : (byte)'B', .. _th0];

    public static FirstContactKeys Derive(ReadOnlySpan<byte> isk, ReadOnlySpan<byte> sid, ReadOnlySpan<byte> transcript)
    {
        var prk = GC.AllocateArray<byte>(64, pinned: true);
        HKDF.Extract(HashAlgorithmName.SHA512, isk, sid, prk);
        var th0 = SHA512.HashData([.. "courier first contact v1"u8, .. transcript]);
        return new FirstContactKeys(prk, th0);
    }

    public byte[] ReplyTag() => Tag("tag acceptor", "reply"u8);

    public bool CheckReplyTag(ReadOnlySpan<byte> tag) => CryptographicOperations.FixedTimeEquals(ReplyTag(), tag);

    /// <summary>Seals the acceptor's offer and moves the transcript to th1.</summary>
    public byte[] SealReply(ReadOnlySpan<byte> offer) => SealAndAdvance("seal acceptor", offer);

    /// <summary>Opens the acceptor's offer (null when it fails authentication) and moves the transcript to th1.</summary>
    public byte[]? OpenReply(ReadOnlySpan<byte> sealedOffer) => OpenAndAdvance("seal acceptor", sealedOffer);

    public byte[] ConfirmTag() => Tag("tag inviter", "confirm"u8);

    public bool CheckConfirmTag(ReadOnlySpan<byte> tag) => CryptographicOperations.FixedTimeEquals(ConfirmTag(), tag);

    /// <summary>Seals the inviter's offer and moves the transcript to th2.</summary>
    public byte[] SealConfirm(ReadOnlySpan<byte> offer) => SealAndAdvance("seal inviter", offer);

    /// <summary>Opens the inviter's offer (null when it fails authentication) and moves the transcript to th2.</summary>
    public byte[]? OpenConfirm(ReadOnlySpan<byte> sealedOffer) => OpenAndAdvance("seal inviter", sealedOffer);

    public byte[] AckTag() => Tag("tag acceptor", "ack"u8);

    public bool CheckAckTag(ReadOnlySpan<byte> tag) => CryptographicOperations.FixedTimeEquals(AckTag(), tag);

    /// <summary>The secret of the pairwise channel, bound to the whole exchange (call after both offers). The caller wipes it.</summary>
    public byte[] PairwiseSecret()
    {
        var secret = GC.AllocateArray<byte>(32, pinned: true);
        HKDF.Expand(HashAlgorithmName.SHA512, _prk, secret, [.. "courier first contact v1 pairwise"u8, .. _transcriptHash]);
        return secret;
    }

    public void Dispose() => CryptographicOperations.ZeroMemory(_prk);

    /// <inheritdoc/>
    public override string ToString() => "FirstContactKeys";

    private byte[] Tag(string keyLabel, ReadOnlySpan<byte> label)
    {
        var key = Expand(keyLabel, 64);
        try
        {
            byte[] data = [.. label, .. _transcriptHash];
            return HMACSHA512.HashData(key, data);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private byte[] SealAndAdvance(string keyLabel, ReadOnlySpan<byte> plaintext)
    {
        var key = Expand(keyLabel, 32);
        try
        {
            using var aead = new ChaCha20Poly1305(key);
            var sealedOffer = new byte[plaintext.Length + AeadTagSize];
            aead.Encrypt(stackalloc byte[NonceSize], plaintext, sealedOffer.AsSpan(0, plaintext.Length), sealedOffer.AsSpan(plaintext.Length), _transcriptHash);
            Advance(sealedOffer);
            return sealedOffer;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private byte[]? OpenAndAdvance(string keyLabel, ReadOnlySpan<byte> sealedOffer)
    {
        if (sealedOffer.Length < AeadTagSize)
        {
            return null;
        }

        var key = Expand(keyLabel, 32);
        try
        {
            using var aead = new ChaCha20Poly1305(key);
            var plaintext = new byte[sealedOffer.Length - AeadTagSize];
            try
            {
                aead.Decrypt(stackalloc byte[NonceSize], sealedOffer[..plaintext.Length], sealedOffer[plaintext.Length..], plaintext, _transcriptHash);
            }
            catch (AuthenticationTagMismatchException)
            {
                return null;
            }

            Advance(sealedOffer);
            return plaintext;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private void Advance(ReadOnlySpan<byte> sealedOffer) => _transcriptHash = SHA512.HashData([.. _transcriptHash, .. sealedOffer]);

    private byte[] Expand(string label, int length)
    {
        var key = GC.AllocateArray<byte>(length, pinned: true);
        HKDF.Expand(HashAlgorithmName.SHA512, _prk, key, System.Text.Encoding.ASCII.GetBytes("courier first contact v1 " + label));
        return key;
    }
}
