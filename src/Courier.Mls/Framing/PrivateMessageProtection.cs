using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Courier.Mls.Framing;

/// <summary>
/// RFC 9420 §6.3: PrivateMessage. The content, its signature and zero padding are encrypted under a
/// key from the sender's ratchet in the secret tree, with a fresh reuse guard XORed into the nonce;
/// the sender's leaf and generation are encrypted under a key derived from sender_data_secret and a
/// sample of that ciphertext.
/// </summary>
internal static class PrivateMessageProtection
{
    /// <summary>The largest padding a sender may ask for; it only ever needs to reach the next bucket.</summary>
    public const int MaxPadding = 1 << 20;

    /// <summary>Encrypts signed content from a member, consuming one generation of its ratchet.</summary>
    public static PrivateMessage Protect(
        CipherSuite suite,
        AuthenticatedContent content,
        EncryptionSecretTree secretTree,
        Secret senderDataSecret,
        int padding,
        IRandom random)
    {
        ArgumentNullException.ThrowIfNull(secretTree);
        ArgumentNullException.ThrowIfNull(random);
        if (content.WireFormat != WireFormat.MlsPrivateMessage)
        {
            throw new ArgumentException("The content was signed for another wire format.", nameof(content));
        }

        if (content.Content.Sender.LeafIndex is not { } leafIndex)
        {
            throw new ArgumentException("Only a member sends a PrivateMessage (RFC 9420 §6.3.2).", nameof(content));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(padding, MaxPadding);

        var framed = content.Content;
        var plaintext = new TlsWriter();
        framed.EncodeBody(plaintext);
        content.Auth.Encode(plaintext);
        plaintext.WriteFixed(new byte[padding]);

        Span<byte> guard = stackalloc byte[4];
        random.Fill(guard);
        var reuseGuard = BinaryPrimitives.ReadUInt32BigEndian(guard);

        byte[] ciphertext;
        uint generation;
        using (var key = secretTree.NextSendKey(leafIndex, RatchetTypeOf(framed.ContentType)))
        {
            generation = key.Generation;
            ciphertext = Seal(suite, key, reuseGuard, ContentAad(framed.GroupId, framed.Epoch, framed.ContentType, framed.AuthenticatedData), plaintext.Written);
        }

        byte[] encryptedSenderData;
        using (var senderDataKey = SenderDataKey.Derive(suite, senderDataSecret, ciphertext))
        {
            encryptedSenderData = suite.Aead.Seal(
                senderDataKey.Key.Span,
                senderDataKey.Nonce.Span,
                SenderDataAad(framed.GroupId, framed.Epoch, framed.ContentType),
                TlsWriter.Encode(new SenderData(leafIndex, generation, reuseGuard)));
        }

        return new PrivateMessage(framed.GroupId, framed.Epoch, framed.ContentType, framed.AuthenticatedData, encryptedSenderData, ciphertext);
    }

    /// <summary>
    /// Decrypts and authenticates a PrivateMessage of the current epoch and returns its content.
    /// Every failure is a <see cref="MessageRejectedException"/> naming the check, or a
    /// <see cref="DecodeException"/> when authenticated plaintext is not a valid encoding.
    /// <paramref name="signatureKeyOf"/> gives the signature public key of a leaf, or null when the
    /// leaf is blank or outside the tree.
    /// </summary>
    public static AuthenticatedContent Unprotect(
        CipherSuite suite,
        PrivateMessage message,
        GroupContext context,
        EncryptionSecretTree secretTree,
        Secret senderDataSecret,
        Func<uint, byte[]?> signatureKeyOf)
    {
        ArgumentNullException.ThrowIfNull(secretTree);
        ArgumentNullException.ThrowIfNull(signatureKeyOf);
        ContentAuthentication.CheckGroupAndEpoch(message.GroupId, message.Epoch, context);

        byte[]? senderDataBytes;
        using (var senderDataKey = SenderDataKey.Derive(suite, senderDataSecret, message.Ciphertext))
        {
            senderDataBytes = suite.Aead.Open(
                senderDataKey.Key.Span,
                senderDataKey.Nonce.Span,
                SenderDataAad(message.GroupId, message.Epoch, message.ContentType),
                message.EncryptedSenderData);
        }

        if (senderDataBytes is null)
        {
            throw new MessageRejectedException(MlsCheck.Decryption, "the sender data does not decrypt");
        }

        var senderData = TlsReader.Decode(senderDataBytes, nameof(SenderData), SenderData.Decode);
        if (senderData.LeafIndex >= secretTree.LeafCount || signatureKeyOf(senderData.LeafIndex) is not { } signatureKey)
        {
            throw new MessageRejectedException(MlsCheck.SenderLeaf, "the sender data names a blank leaf or one outside the tree");
        }

        byte[]? plaintext;
        try
        {
            using var key = secretTree.GetReceiveKey(senderData.LeafIndex, RatchetTypeOf(message.ContentType), senderData.Generation);
            plaintext = Open(suite, key, senderData.ReuseGuard, ContentAad(message.GroupId, message.Epoch, message.ContentType, message.AuthenticatedData), message.Ciphertext);
        }
        catch (SecretTreeException e)
        {
            throw new MessageRejectedException(MlsCheck.Generation, e.Message);
        }

        if (plaintext is null)
        {
            throw new MessageRejectedException(MlsCheck.Decryption, "the content does not decrypt");
        }

        var content = DecodeContent(plaintext, message, senderData.LeafIndex);
        ContentAuthentication.Verify(suite, content, context, signatureKey);
        return content;
    }

    /// <summary>Parses PrivateMessageContent: the content, its auth data, then padding that must be all zero.</summary>
    private static AuthenticatedContent DecodeContent(byte[] plaintext, PrivateMessage message, uint leafIndex)
    {
        var reader = new TlsReader(plaintext, "PrivateMessageContent");
        var framed = FramedContent.DecodeBody(ref reader, message.GroupId, message.Epoch, Sender.Member(leafIndex), message.AuthenticatedData, message.ContentType);
        var auth = FramedContentAuthData.Decode(ref reader, message.ContentType);
        var padding = reader.ReadFixed(reader.Remaining);
        if (padding.ContainsAnyExcept((byte)0))
        {
            throw new MessageRejectedException(MlsCheck.Padding, "the padding holds a non-zero byte");
        }

        return new AuthenticatedContent(WireFormat.MlsPrivateMessage, framed, auth);
    }

    private static RatchetType RatchetTypeOf(ContentType contentType)
        => contentType == ContentType.Application ? RatchetType.Application : RatchetType.Handshake;

    private static byte[] Seal(CipherSuite suite, MessageKey key, uint reuseGuard, byte[] aad, ReadOnlySpan<byte> plaintext)
    {
        Span<byte> nonce = stackalloc byte[suite.Aead.NonceSize];
        try
        {
            GuardNonce(key.Nonce.Span, reuseGuard, nonce);
            return suite.Aead.Seal(key.Key.Span, nonce, aad, plaintext);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(nonce);
        }
    }

    private static byte[]? Open(CipherSuite suite, MessageKey key, uint reuseGuard, byte[] aad, ReadOnlySpan<byte> ciphertext)
    {
        Span<byte> nonce = stackalloc byte[suite.Aead.NonceSize];
        try
        {
            GuardNonce(key.Nonce.Span, reuseGuard, nonce);
            return suite.Aead.Open(key.Key.Span, nonce, aad, ciphertext);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(nonce);
        }
    }

    /// <summary>RFC 9420 §6.3.1: the first four bytes of the ratchet's nonce are XORed with the reuse guard.</summary>
    private static void GuardNonce(ReadOnlySpan<byte> ratchetNonce, uint reuseGuard, Span<byte> nonce)
    {
        ratchetNonce.CopyTo(nonce);
        BinaryPrimitives.WriteUInt32BigEndian(nonce, BinaryPrimitives.ReadUInt32BigEndian(nonce) ^ reuseGuard);
    }

    /// <summary>PrivateContentAAD: group_id, epoch, content_type, authenticated_data.</summary>
    private static byte[] ContentAad(byte[] groupId, ulong epoch, ContentType contentType, byte[] authenticatedData)
    {
        var writer = new TlsWriter();
        WriteSenderDataAad(writer, groupId, epoch, contentType);
        writer.WriteOpaque(authenticatedData);
        return writer.ToArray();
    }

    /// <summary>SenderDataAAD: group_id, epoch, content_type.</summary>
    private static byte[] SenderDataAad(byte[] groupId, ulong epoch, ContentType contentType)
    {
        var writer = new TlsWriter();
        WriteSenderDataAad(writer, groupId, epoch, contentType);
        return writer.ToArray();
    }

    private static void WriteSenderDataAad(TlsWriter writer, byte[] groupId, ulong epoch, ContentType contentType)
    {
        writer.WriteOpaque(groupId);
        writer.WriteUInt64(epoch);
        writer.WriteUInt8((byte)contentType);
    }
}
