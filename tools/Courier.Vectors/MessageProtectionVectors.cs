using System.Text.Json;
using Courier.Mls.Codec;
using Courier.Mls.Crypto;
using Courier.Mls.Framing;
using Courier.Mls.Messages;
using Courier.Mls.SecretTree;

namespace Courier.Vectors;

/// <summary>message-protection.json: PublicMessage and PrivateMessage protect and unprotect (RFC 9420 §6).</summary>
public sealed class MessageProtectionVectors : VectorFile
{
    private const uint SenderLeaf = 1;

    /// <inheritdoc/>
    public override string FileName => "message-protection.json";

    internal override void Check(JsonElement testCase, CipherSuite? suite)
    {
        ArgumentNullException.ThrowIfNull(suite);
        using var v = new Case(suite, testCase);

        foreach (var kind in new[] { "proposal", "commit" })
        {
            var raw = Expect.Hex(testCase, kind);
            var fromPublic = PublicMessageProtection.Unprotect(suite, Decode(testCase, kind + "_pub").PublicMessage!, v.Context, v.MembershipKey, v.SignaturePublic);
            Expect.Equal(raw, Body(fromPublic), $"{kind}_pub content");

            var signed = ContentAuthentication.Sign(suite, WireFormat.MlsPublicMessage, v.Framed(kind, raw), v.Context, v.Signer, ConfirmationTag(kind, suite));
            var published = Reparse(new MLSMessage(PublicMessageProtection.Protect(suite, signed, v.Context, v.MembershipKey))).PublicMessage!;
            var roundTrip = PublicMessageProtection.Unprotect(suite, published, v.Context, v.MembershipKey, v.SignaturePublic);
            Expect.Equal(raw, Body(roundTrip), $"{kind} re-protected as PublicMessage");

            CheckPrivate(v, testCase, kind, raw);
        }

        var application = Expect.Hex(testCase, "application");
        var applicationContent = ContentAuthentication.Sign(suite, WireFormat.MlsPublicMessage, v.Framed("application", application), v.Context, v.Signer, null);
        Expect.True(Throws<ArgumentException>(() => PublicMessageProtection.Protect(suite, applicationContent, v.Context, v.MembershipKey)), "application data protected as a PublicMessage");
        CheckPrivate(v, testCase, "application", application);
    }

    private static void CheckPrivate(Case v, JsonElement testCase, string kind, byte[] raw)
    {
        using (var tree = v.NewSecretTree())
        {
            var received = PrivateMessageProtection.Unprotect(v.Suite, Decode(testCase, kind + "_priv").PrivateMessage!, v.Context, tree, v.SenderDataSecret, v.SignatureKeyOf);
            Expect.Equal(raw, Body(received), $"{kind}_priv content");
        }

        using var senderTree = v.NewSecretTree();
        using var receiverTree = v.NewSecretTree();
        var signed = ContentAuthentication.Sign(v.Suite, WireFormat.MlsPrivateMessage, v.Framed(kind, raw), v.Context, v.Signer, ConfirmationTag(kind, v.Suite));
        var sent = PrivateMessageProtection.Protect(v.Suite, signed, senderTree, v.SenderDataSecret, padding: 7, SystemRandom.Instance);
        var back = PrivateMessageProtection.Unprotect(v.Suite, Reparse(new MLSMessage(sent)).PrivateMessage!, v.Context, receiverTree, v.SenderDataSecret, v.SignatureKeyOf);
        Expect.Equal(raw, Body(back), $"{kind} re-protected as PrivateMessage");
    }

    private static MLSMessage Decode(JsonElement testCase, string name) => MLSMessage.FromBytes(Expect.Hex(testCase, name));

    private static MLSMessage Reparse(MLSMessage message) => MLSMessage.FromBytes(message.ToBytes());

    /// <summary>The vector gives no confirmation key; any tag of the right size frames a commit.</summary>
    private static byte[]? ConfirmationTag(string kind, CipherSuite suite) => kind == "commit" ? new byte[suite.HashSize] : null;

    private static byte[] Body(AuthenticatedContent content)
    {
        var framed = content.Content;
        return framed.ContentType switch
        {
            ContentType.Application => framed.ApplicationData!,
            ContentType.Proposal => TlsWriter.Encode(framed.Proposal!),
            _ => TlsWriter.Encode(framed.Commit!),
        };
    }

    private static bool Throws<T>(Action action)
        where T : Exception
    {
        try
        {
            action();
            return false;
        }
        catch (T)
        {
            return true;
        }
    }

    private sealed class Case : IDisposable
    {
        public Case(CipherSuite suite, JsonElement testCase)
        {
            Suite = suite;
            GroupId = Expect.Hex(testCase, "group_id");
            Epoch = Expect.UInt64(testCase, "epoch");
            Context = new GroupContext((ushort)suite.Id, GroupId, Epoch, Expect.Hex(testCase, "tree_hash"), Expect.Hex(testCase, "confirmed_transcript_hash"), []);
            Signer = SignaturePrivateKey.Import(Expect.Hex(testCase, "signature_priv"), suite.Id);
            SignaturePublic = Expect.Hex(testCase, "signature_pub");
            EncryptionSecret = Expect.Hex(testCase, "encryption_secret");
            SenderDataSecret = Secret.Copy(Expect.Hex(testCase, "sender_data_secret"));
            MembershipKey = Expect.Hex(testCase, "membership_key");
        }

        public CipherSuite Suite { get; }

        public byte[] GroupId { get; }

        public ulong Epoch { get; }

        public GroupContext Context { get; }

        public SignaturePrivateKey Signer { get; }

        public byte[] SignaturePublic { get; }

        public byte[] EncryptionSecret { get; }

        public Secret SenderDataSecret { get; }

        public byte[] MembershipKey { get; }

        /// <summary>The vector's tree has two leaves; the sender is leaf 1.</summary>
        public EncryptionSecretTree NewSecretTree()
        {
            using var secret = Secret.Copy(EncryptionSecret);
            return new EncryptionSecretTree(Suite, secret, 2);
        }

        public void Dispose()
        {
            Signer.Dispose();
            SenderDataSecret.Dispose();
        }

        public byte[]? SignatureKeyOf(uint leaf) => leaf == SenderLeaf ? SignaturePublic : null;

        public FramedContent Framed(string kind, byte[] raw)
        {
            var sender = Sender.Member(SenderLeaf);
            return kind switch
            {
                "proposal" => FramedContent.ForProposal(GroupId, Epoch, sender, [], TlsReader.Decode(raw, "Proposal", Proposal.Decode)),
                "commit" => FramedContent.ForCommit(GroupId, Epoch, sender, [], TlsReader.Decode(raw, "Commit", Commit.Decode)),
                _ => FramedContent.Application(GroupId, Epoch, sender, [], raw),
            };
        }
    }
}
