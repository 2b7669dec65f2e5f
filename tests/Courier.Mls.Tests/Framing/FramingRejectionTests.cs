using System.Buffers.Binary;
using Courier.Mls.Codec;
using Courier.Mls.Crypto;
using Courier.Mls.Framing;
using Courier.Mls.Messages;
using Courier.Mls.SecretTree;

namespace Courier.Mls.Tests.Framing;

/// <summary>
/// Each receiver check of RFC 9420 §6 gets a message that violates it; the test name carries the
/// <see cref="MlsCheck"/> id the rejection must name.
/// </summary>
public class FramingRejectionTests
{
    public static TheoryData<CipherSuiteId> Suites() => TestSuites.All();

    [Theory]
    [MemberData(nameof(Suites))]
    public void PrivateMessage_round_trips_with_padding(CipherSuiteId suiteId)
    {
        using var f = new FramingFixture(suiteId);
        using var sender = f.NewSecretTree();
        using var receiver = f.NewSecretTree();
        var message = f.SendPrivate(sender, f.Application(1, "hello"u8.ToArray()), 1, padding: 100);
        var content = f.ReceivePrivate(receiver, message);
        Assert.Equal("hello"u8.ToArray(), content.Content.ApplicationData);
        Assert.Equal(1u, content.Content.Sender.LeafIndex);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Rejects_GroupId(CipherSuiteId suiteId)
    {
        using var f = new FramingFixture(suiteId);
        using var sender = f.NewSecretTree();
        using var receiver = f.NewSecretTree();
        var message = f.SendPrivate(sender, f.Application(1, [1]), 1) with { GroupId = "other"u8.ToArray() };
        AssertRejected(MlsCheck.GroupId, () => f.ReceivePrivate(receiver, message));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Rejects_Epoch(CipherSuiteId suiteId)
    {
        using var f = new FramingFixture(suiteId);
        using var sender = f.NewSecretTree();
        using var receiver = f.NewSecretTree();
        var message = f.SendPrivate(sender, f.Application(1, [1]), 1) with { Epoch = f.Context.Epoch + 1 };
        AssertRejected(MlsCheck.Epoch, () => f.ReceivePrivate(receiver, message));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Rejects_Signature_of_another_member(CipherSuiteId suiteId)
    {
        using var f = new FramingFixture(suiteId);
        using var sender = f.NewSecretTree();
        using var receiver = f.NewSecretTree();
        // Leaf 1 sends, but signs with leaf 0's key: decrypts fine, signature fails.
        var message = f.SendPrivate(sender, f.Application(1, [1]), signer: 0);
        AssertRejected(MlsCheck.Signature, () => f.ReceivePrivate(receiver, message));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Rejects_Signature_on_PublicMessage_with_altered_content(CipherSuiteId suiteId)
    {
        using var f = new FramingFixture(suiteId);
        var signed = f.Sign(WireFormat.MlsPublicMessage, f.RemoveProposal(1, 0), 1);
        var message = PublicMessageProtection.Protect(f.Suite, signed, f.Context, f.MembershipKey);
        var altered = new PublicMessage(f.RemoveProposal(1, 1), message.Auth, message.MembershipTag);
        AssertRejected(MlsCheck.MembershipTag, () => PublicMessageProtection.Unprotect(f.Suite, altered, f.Context, f.MembershipKey, f.Signers[1].PublicKey));

        // With a correct membership tag over the altered content, the signature still fails.
        var tagged = PublicMessageProtection.Protect(f.Suite, new AuthenticatedContent(WireFormat.MlsPublicMessage, altered.Content, altered.Auth), f.Context, f.MembershipKey);
        AssertRejected(MlsCheck.Signature, () => PublicMessageProtection.Unprotect(f.Suite, tagged, f.Context, f.MembershipKey, f.Signers[1].PublicKey));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Rejects_MembershipTag_from_a_non_member(CipherSuiteId suiteId)
    {
        using var f = new FramingFixture(suiteId);
        var signed = f.Sign(WireFormat.MlsPublicMessage, f.RemoveProposal(1, 0), 1);
        var wrongKey = FramingFixture.RandomBytes(32);
        var message = PublicMessageProtection.Protect(f.Suite, signed, f.Context, wrongKey);
        AssertRejected(MlsCheck.MembershipTag, () => PublicMessageProtection.Unprotect(f.Suite, message, f.Context, f.MembershipKey, f.Signers[1].PublicKey));
        Assert.Equal(signed, PublicMessageProtection.Unprotect(f.Suite, message, f.Context, wrongKey, f.Signers[1].PublicKey));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Rejects_ApplicationDataInPublicMessage(CipherSuiteId suiteId)
    {
        using var f = new FramingFixture(suiteId);
        var signed = f.Sign(WireFormat.MlsPublicMessage, f.Application(1, [1]), 1);
        Assert.Throws<ArgumentException>(() => PublicMessageProtection.Protect(f.Suite, signed, f.Context, f.MembershipKey));

        // A peer that frames it anyway is refused.
        var forged = new PublicMessage(signed.Content, signed.Auth, FramingFixture.RandomBytes(32));
        AssertRejected(MlsCheck.ApplicationDataInPublicMessage, () => PublicMessageProtection.Unprotect(f.Suite, forged, f.Context, f.MembershipKey, f.Signers[1].PublicKey));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Rejects_Decryption_of_a_flipped_ciphertext_bit(CipherSuiteId suiteId)
    {
        using var f = new FramingFixture(suiteId);
        using var sender = f.NewSecretTree();
        var message = f.SendPrivate(sender, f.Application(1, new byte[64]), 1);
        for (var bit = 0; bit < message.Ciphertext.Length * 8; bit += 37)
        {
            using var receiver = f.NewSecretTree();
            var ciphertext = (byte[])message.Ciphertext.Clone();
            ciphertext[bit / 8] ^= (byte)(1 << (bit % 8));
            // The sample for the sender-data key comes from the ciphertext, so a flip in the first
            // Nh bytes already breaks the sender data; later flips break the content.
            AssertRejected(MlsCheck.Decryption, () => f.ReceivePrivate(receiver, message with { Ciphertext = ciphertext }));
        }
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Rejects_Decryption_of_altered_sender_data_or_aad(CipherSuiteId suiteId)
    {
        using var f = new FramingFixture(suiteId);
        using var sender = f.NewSecretTree();
        var message = f.SendPrivate(sender, f.Application(1, [1, 2, 3]), 1);

        var senderData = (byte[])message.EncryptedSenderData.Clone();
        senderData[0] ^= 1;
        using (var receiver = f.NewSecretTree())
        {
            AssertRejected(MlsCheck.Decryption, () => f.ReceivePrivate(receiver, message with { EncryptedSenderData = senderData }));
        }

        using (var receiver = f.NewSecretTree())
        {
            AssertRejected(MlsCheck.Decryption, () => f.ReceivePrivate(receiver, message with { AuthenticatedData = [9] }));
        }

        using (var receiver = f.NewSecretTree())
        {
            AssertRejected(MlsCheck.Decryption, () => f.ReceivePrivate(receiver, message with { ContentType = ContentType.Proposal }));
        }
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Rejects_Padding_with_a_non_zero_byte(CipherSuiteId suiteId)
    {
        using var f = new FramingFixture(suiteId);
        using var sender = f.NewSecretTree();
        using var receiver = f.NewSecretTree();
        var content = f.Sign(WireFormat.MlsPrivateMessage, f.Application(1, [1]), 1);
        var message = EncryptWithPadding(f, sender, content, padding: [0, 0, 1, 0]);
        AssertRejected(MlsCheck.Padding, () => f.ReceivePrivate(receiver, message));

        using var receiver2 = f.NewSecretTree();
        using var sender2 = f.NewSecretTree();
        var zeroPadded = EncryptWithPadding(f, sender2, content, padding: [0, 0, 0, 0]);
        Assert.Equal(content, f.ReceivePrivate(receiver2, zeroPadded));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Rejects_SenderLeaf_that_is_blank(CipherSuiteId suiteId)
    {
        using var f = new FramingFixture(suiteId);
        using var sender = f.NewSecretTree();
        using var receiver = f.NewSecretTree();
        var message = f.SendPrivate(sender, f.Application(1, [1]), 1);
        AssertRejected(
            MlsCheck.SenderLeaf,
            () => PrivateMessageProtection.Unprotect(f.Suite, message, f.Context, receiver, f.SenderDataSecret, leaf => leaf == 1 ? null : f.SignatureKeyOf(leaf)));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Rejects_Generation_already_consumed(CipherSuiteId suiteId)
    {
        using var f = new FramingFixture(suiteId);
        using var sender = f.NewSecretTree();
        using var receiver = f.NewSecretTree();
        var message = f.SendPrivate(sender, f.Application(1, [1]), 1);
        f.ReceivePrivate(receiver, message);

        // Forward secrecy (§9.2): once a message key has been used, the receiver no longer holds it.
        AssertRejected(MlsCheck.Generation, () => f.ReceivePrivate(receiver, message));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Out_of_order_messages_decrypt_once_each(CipherSuiteId suiteId)
    {
        using var f = new FramingFixture(suiteId);
        using var sender = f.NewSecretTree();
        using var receiver = f.NewSecretTree();
        var messages = Enumerable.Range(0, 5).Select(i => f.SendPrivate(sender, f.Application(0, [(byte)i]), 0)).ToArray();
        foreach (var i in new[] { 4, 1, 3, 0, 2 })
        {
            Assert.Equal([(byte)i], f.ReceivePrivate(receiver, messages[i]).Content.ApplicationData!);
        }

        AssertRejected(MlsCheck.Generation, () => f.ReceivePrivate(receiver, messages[2]));
    }

    private static void AssertRejected(MlsCheck check, Action action)
    {
        var e = Assert.Throws<MessageRejectedException>(action);
        Assert.Equal(check, e.Check);
    }

    /// <summary>
    /// Builds a PrivateMessage by hand, as a misbehaving sender would, so that the padding can hold
    /// what a correct sender never writes.
    /// </summary>
    private static PrivateMessage EncryptWithPadding(FramingFixture f, EncryptionSecretTree tree, AuthenticatedContent content, byte[] padding)
    {
        var framed = content.Content;
        var plaintext = new TlsWriter();
        framed.EncodeBody(plaintext);
        content.Auth.Encode(plaintext);
        plaintext.WriteFixed(padding);

        var aad = new TlsWriter();
        aad.WriteOpaque(framed.GroupId);
        aad.WriteUInt64(framed.Epoch);
        aad.WriteUInt8((byte)framed.ContentType);
        var senderDataAad = aad.ToArray();
        aad.WriteOpaque(framed.AuthenticatedData);

        using var key = tree.NextSendKey(framed.Sender.LeafIndex!.Value, RatchetType.Application);
        var ciphertext = f.Suite.Aead.Seal(key.Key.Span, key.Nonce.Span, aad.Written, plaintext.Written);
        var senderData = new byte[12];
        BinaryPrimitives.WriteUInt32BigEndian(senderData, framed.Sender.LeafIndex!.Value);
        BinaryPrimitives.WriteUInt32BigEndian(senderData.AsSpan(4), key.Generation);
        using var senderDataKey = SenderDataKey.Derive(f.Suite, f.SenderDataSecret, ciphertext);
        var encryptedSenderData = f.Suite.Aead.Seal(senderDataKey.Key.Span, senderDataKey.Nonce.Span, senderDataAad, senderData);
        return new PrivateMessage(framed.GroupId, framed.Epoch, framed.ContentType, framed.AuthenticatedData, encryptedSenderData, ciphertext);
    }
}
