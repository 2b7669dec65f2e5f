using Courier.Mls.Codec;
using Courier.Mls.Crypto;
using Courier.Mls.Messages;

namespace Courier.Mls.Tests.Messages;

/// <summary>Targeted rules of the RFC 9420 wire syntax: framing of the whole input, optional markers, enumerations, select-dependent fields.</summary>
public class MessageSyntaxTests
{
    private static readonly string[] MessageFields =
        ["mls_welcome", "mls_group_info", "mls_key_package", "public_message_application", "public_message_proposal", "public_message_commit", "private_message"];

    public static TheoryData<string> MessageFieldNames() => [.. MessageFields];

    [Theory]
    [MemberData(nameof(MessageFieldNames))]
    public void Trailing_bytes_after_a_message_are_rejected(string field)
    {
        var bytes = MessageSamples.Field(field);
        Assert.Equal(bytes, MLSMessage.FromBytes(bytes).ToBytes());

        var e = Assert.Throws<DecodeException>(() => MLSMessage.FromBytes([.. bytes, 0x00]));
        Assert.Equal(DecodeError.TrailingBytes, e.Reason);
    }

    [Fact]
    public void Trailing_bytes_after_a_nested_structure_are_rejected()
    {
        var commit = MessageSamples.Field("commit");
        var e = Assert.Throws<DecodeException>(() => MessageSamples.Decode([.. commit, 0x01], Commit.Decode));
        Assert.Equal(DecodeError.TrailingBytes, e.Reason);
    }

    [Theory]
    [InlineData((byte)0)]
    [InlineData((byte)1)]
    [InlineData((byte)2)]
    [InlineData((byte)0xFF)]
    public void Optional_path_of_a_commit_accepts_only_marker_0_or_1(byte marker)
    {
        // proposals<V> = empty, then the optional<UpdatePath> marker with no path after it.
        byte[] bytes = [0x00, marker];
        if (marker == 0)
        {
            Assert.Null(MessageSamples.Decode(bytes, Commit.Decode).Path);
            return;
        }

        var e = Assert.Throws<DecodeException>(() => MessageSamples.Decode(bytes, Commit.Decode));
        Assert.Equal(marker == 1 ? DecodeError.Truncated : DecodeError.InvalidValue, e.Reason);
    }

    [Fact]
    public void Bad_optional_marker_in_a_real_commit_is_rejected()
    {
        var bytes = MessageSamples.Field("commit");
        var commit = MessageSamples.Decode(bytes, Commit.Decode);
        Assert.NotNull(commit.Path);
        var writer = new TlsWriter();
        writer.WriteVector(commit.Proposals);
        var markerAt = writer.Length;
        Assert.Equal(1, bytes[markerAt]);

        bytes[markerAt] = 2;
        var e = Assert.Throws<DecodeException>(() => MessageSamples.Decode(bytes, Commit.Decode));
        Assert.Equal(DecodeError.InvalidValue, e.Reason);
    }

    [Theory]
    [InlineData("0102")] // one entry whose optional marker is 2
    [InlineData("0180")]
    public void Bad_optional_marker_in_a_ratchet_tree_is_rejected(string hex)
    {
        var e = Assert.Throws<DecodeException>(() => MessageSamples.Decode(Convert.FromHexString(hex), Node.DecodeRatchetTree));
        Assert.Equal(DecodeError.InvalidValue, e.Reason);
    }

    [Fact]
    public void Blank_nodes_of_a_ratchet_tree_decode_as_null()
    {
        var tree = MessageSamples.Decode(Convert.FromHexString("0400000000"), Node.DecodeRatchetTree);
        Assert.Equal(4, tree.Count);
        Assert.All(tree, Assert.Null);
    }

    [Theory]
    [InlineData((ushort)0x0000)]
    [InlineData((ushort)0x0006)]
    [InlineData((ushort)0x0A0A)]
    [InlineData((ushort)0xF000)]
    [InlineData((ushort)0xFFFF)]
    public void Unknown_wire_format_is_rejected(ushort wireFormat)
    {
        var bytes = MessageSamples.Field("mls_welcome");
        bytes[2] = (byte)(wireFormat >> 8);
        bytes[3] = (byte)wireFormat;

        var e = Assert.Throws<DecodeException>(() => MLSMessage.FromBytes(bytes));
        Assert.Equal(DecodeError.InvalidValue, e.Reason);
    }

    [Theory]
    [InlineData((ushort)0x0000)]
    [InlineData((ushort)0x0002)]
    public void Protocol_version_other_than_mls10_is_rejected(ushort version)
    {
        var bytes = MessageSamples.Field("mls_key_package");
        bytes[0] = (byte)(version >> 8);
        bytes[1] = (byte)version;

        var e = Assert.Throws<DecodeException>(() => MLSMessage.FromBytes(bytes));
        Assert.Equal(DecodeError.InvalidValue, e.Reason);
    }

    [Fact]
    public void Wire_format_selects_the_body()
    {
        var welcome = MLSMessage.FromBytes(MessageSamples.Field("mls_welcome"));
        Assert.Equal(WireFormat.MlsWelcome, welcome.WireFormat);
        Assert.NotNull(welcome.Welcome);
        Assert.Null(welcome.PublicMessage);
        Assert.Null(welcome.PrivateMessage);
        Assert.Null(welcome.GroupInfo);
        Assert.Null(welcome.KeyPackage);

        // The same body read as another wire format does not parse.
        var bytes = MessageSamples.Field("mls_welcome");
        bytes[3] = (byte)WireFormat.MlsGroupInfo;
        Assert.Throws<DecodeException>(() => MLSMessage.FromBytes(bytes));
    }

    [Fact]
    public void Framed_content_is_only_public_or_private()
    {
        var content = PublicMessageOf("public_message_commit").ToAuthenticatedContent();
        var bytes = content.ToBytes();
        bytes[1] = (byte)WireFormat.MlsWelcome;

        var e = Assert.Throws<DecodeException>(() => MessageSamples.Decode(bytes, AuthenticatedContent.Decode));
        Assert.Equal(DecodeError.InvalidValue, e.Reason);
        Assert.Throws<ArgumentException>(() => new AuthenticatedContent(WireFormat.MlsWelcome, content.Content, content.Auth));
    }

    [Fact]
    public void Public_commit_from_a_member_has_confirmation_and_membership_tags()
    {
        var message = PublicMessageOf("public_message_commit");
        Assert.Equal(ContentType.Commit, message.Content.ContentType);
        Assert.Equal(SenderType.Member, message.Content.Sender.SenderType);
        Assert.NotNull(message.Content.Commit);
        Assert.NotNull(message.Auth.ConfirmationTag);
        Assert.NotNull(message.MembershipTag);
    }

    [Theory]
    [InlineData("public_message_application", (byte)ContentType.Application)]
    [InlineData("public_message_proposal", (byte)ContentType.Proposal)]
    public void Public_non_commit_has_no_confirmation_tag(string field, byte contentTypeValue)
    {
        var contentType = (ContentType)contentTypeValue;
        var message = PublicMessageOf(field);
        Assert.Equal(contentType, message.Content.ContentType);
        Assert.Null(message.Auth.ConfirmationTag);
        Assert.NotNull(message.MembershipTag);
    }

    [Fact]
    public void Public_message_from_a_member_without_membership_tag_is_truncated()
    {
        var message = PublicMessageOf("public_message_application");
        var writer = new TlsWriter();
        message.Content.Encode(writer);
        message.Auth.Encode(writer);

        var e = Assert.Throws<DecodeException>(() => MessageSamples.Decode(writer.ToArray(), PublicMessage.Decode));
        Assert.Equal(DecodeError.Truncated, e.Reason);
    }

    [Fact]
    public void Public_message_from_an_external_sender_has_no_membership_tag()
    {
        var content = FramedContent.ForProposal([1, 2], 7, Sender.External(3), [], new Proposal(new Remove(4)));
        var message = new PublicMessage(content, new FramedContentAuthData([0xAB], null), null);
        var bytes = TlsWriter.Encode(message);

        var expected = new TlsWriter();
        content.Encode(expected);
        expected.WriteOpaque([0xAB]);
        Assert.Equal(expected.ToArray(), bytes);

        var decoded = MessageSamples.Decode(bytes, PublicMessage.Decode);
        Assert.Null(decoded.MembershipTag);
        Assert.Equal(3u, decoded.Content.Sender.SenderIndex);
        Assert.Null(decoded.Content.Sender.LeafIndex);
        Assert.Equal(message, decoded);

        // A membership tag after a non-member's message is not part of it.
        var e = Assert.Throws<DecodeException>(() => MessageSamples.Decode([.. bytes, 0x01, 0xFF], PublicMessage.Decode));
        Assert.Equal(DecodeError.TrailingBytes, e.Reason);
    }

    [Fact]
    public void External_commit_has_a_confirmation_tag_and_no_membership_tag()
    {
        var commit = new Commit([new ProposalOrRef(new Proposal(new ExternalInit([5, 5])))], null);
        var content = FramedContent.ForCommit([1], 0, Sender.NewMemberCommit(), [], commit);
        var message = new PublicMessage(content, new FramedContentAuthData([0xAB], [0xCD, 0xEF]), null);
        var bytes = TlsWriter.Encode(message);
        Assert.Equal([0x01, 0xAB, 0x02, 0xCD, 0xEF], bytes[^5..]);

        var decoded = MessageSamples.Decode(bytes, PublicMessage.Decode);
        Assert.Equal(new byte[] { 0xCD, 0xEF }, decoded.Auth.ConfirmationTag);
        Assert.Null(decoded.MembershipTag);
        Assert.Equal(bytes, TlsWriter.Encode(decoded));
    }

    [Fact]
    public void Public_message_constructor_enforces_the_presence_rules()
    {
        var commit = PublicMessageOf("public_message_commit");
        var application = PublicMessageOf("public_message_application");

        Assert.Throws<ArgumentException>(() => new PublicMessage(commit.Content, new FramedContentAuthData(commit.Auth.Signature, null), commit.MembershipTag));
        Assert.Throws<ArgumentException>(() => new PublicMessage(application.Content, new FramedContentAuthData(application.Auth.Signature, [1]), application.MembershipTag));
        Assert.Throws<ArgumentException>(() => new PublicMessage(application.Content, application.Auth, null));

        var external = FramedContent.ForProposal([1], 0, Sender.NewMemberProposal(), [], new Proposal(new Remove(0)));
        Assert.Throws<ArgumentException>(() => new PublicMessage(external, new FramedContentAuthData([], null), [1]));
        Assert.Throws<ArgumentException>(() => new AuthenticatedContent(WireFormat.MlsPrivateMessage, commit.Content, new FramedContentAuthData([], null)));
    }

    [Theory]
    [InlineData((byte)0)]
    [InlineData((byte)4)]
    [InlineData((byte)0xFF)]
    public void Content_type_outside_the_enum_is_rejected(byte contentType)
    {
        // PrivateMessage: group_id<V>, epoch, content_type, authenticated_data<V>, encrypted_sender_data<V>, ciphertext<V>.
        byte[] bytes = [0x00, 0, 0, 0, 0, 0, 0, 0, 0, contentType, 0x00, 0x00, 0x00];
        var e = Assert.Throws<DecodeException>(() => MessageSamples.Decode(bytes, PrivateMessage.Decode));
        Assert.Equal(DecodeError.InvalidValue, e.Reason);

        bytes[9] = (byte)ContentType.Commit;
        Assert.Equal(ContentType.Commit, MessageSamples.Decode(bytes, PrivateMessage.Decode).ContentType);
    }

    [Theory]
    [InlineData("00")]
    [InlineData("05")]
    [InlineData("ff")]
    public void Sender_type_outside_the_enum_is_rejected(string hex)
        => AssertInvalid(hex, Sender.Decode);

    [Theory]
    [InlineData("0100000009", (byte)SenderType.Member)]
    [InlineData("0200000009", (byte)SenderType.External)]
    [InlineData("03", (byte)SenderType.NewMemberProposal)]
    [InlineData("04", (byte)SenderType.NewMemberCommit)]
    public void Sender_carries_an_index_only_for_members_and_external_senders(string hex, byte typeValue)
    {
        var type = (SenderType)typeValue;
        var sender = MessageSamples.Decode(Convert.FromHexString(hex), Sender.Decode);
        Assert.Equal(type, sender.SenderType);
        Assert.Equal(type == SenderType.Member ? 9u : null, sender.LeafIndex);
        Assert.Equal(type == SenderType.External ? 9u : null, sender.SenderIndex);
        Assert.Equal(hex, Convert.ToHexStringLower(TlsWriter.Encode(sender)));
    }

    [Theory]
    [InlineData("00")]
    [InlineData("03")]
    public void Node_type_outside_the_enum_is_rejected(string hex) => AssertInvalid(hex, Node.Decode);

    [Theory]
    [InlineData("000000")]
    [InlineData("030000")]
    public void Psk_type_outside_the_enum_is_rejected(string hex) => AssertInvalid(hex, PreSharedKeyID.Decode);

    [Theory]
    [InlineData("020000" + "0000000000000000" + "00", false)]
    [InlineData("020400" + "0000000000000000" + "00", false)]
    [InlineData("020100" + "0000000000000000" + "00", true)]
    [InlineData("020301aa" + "0000000000000007" + "0101", true)]
    public void Resumption_usage_outside_the_enum_is_rejected(string hex, bool valid)
    {
        // psktype resumption, usage, psk_group_id<V>, psk_epoch, psk_nonce<V>.
        if (valid)
        {
            var id = MessageSamples.Decode(Convert.FromHexString(hex), PreSharedKeyID.Decode);
            Assert.Equal(PSKType.Resumption, id.PskType);
            Assert.Null(id.PskId);
            Assert.Equal(hex, Convert.ToHexStringLower(TlsWriter.Encode(id)));
        }
        else
        {
            AssertInvalid(hex, PreSharedKeyID.Decode);
        }
    }

    [Theory]
    [InlineData("0000")]
    [InlineData("0300")]
    public void Proposal_or_ref_type_outside_the_enum_is_rejected(string hex) => AssertInvalid(hex, ProposalOrRef.Decode);

    [Theory]
    [InlineData((byte)0)]
    [InlineData((byte)4)]
    public void Leaf_node_source_outside_the_enum_is_rejected(byte source)
    {
        // encryption_key, signature_key, basic credential, empty capabilities, source, extensions, signature.
        byte[] bytes = [0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, source, 0x00, 0x00];
        AssertInvalid(Convert.ToHexStringLower(bytes), LeafNode.Decode);

        bytes[10] = (byte)LeafNodeSource.Update;
        var leaf = MessageSamples.Decode(bytes, LeafNode.Decode);
        Assert.Null(leaf.Lifetime);
        Assert.Null(leaf.ParentHash);
    }

    [Theory]
    [InlineData("0000")]
    [InlineData("0008")] // not defined by RFC 9420
    [InlineData("0a0a")] // GREASE never appears in a Proposal (RFC 9420 §13.5)
    [InlineData("f000")]
    public void Proposal_of_unknown_type_is_rejected(string typeHex) => AssertInvalid(typeHex + "00000000", Proposal.Decode);

    [Theory]
    [InlineData("0000")]
    [InlineData("0003")]
    [InlineData("0a0a")]
    public void Credential_of_unknown_type_is_rejected(string typeHex) => AssertInvalid(typeHex + "00", Credential.Decode);

    [Fact]
    public void X509_credential_carries_its_certificate_chain()
    {
        var credential = Credential.X509([new Certificate([0x30, 0x01]), new Certificate([0x30])]);
        var bytes = TlsWriter.Encode(credential);
        Assert.Equal("0002" + "05" + "023001" + "0130", Convert.ToHexStringLower(bytes));
        var decoded = MessageSamples.Decode(bytes, Credential.Decode);
        Assert.Null(decoded.Identity);
        Assert.Equal(2, decoded.Certificates!.Count);
        Assert.Equal(credential, decoded);
    }

    [Fact]
    public void Unknown_and_GREASE_values_in_capabilities_and_extensions_are_kept()
    {
        var capabilities = new Capabilities([0x0001, 0x0A0A], [0x0001, 0x1A1A, 0xFFFF], [0x2A2A, 0xBEEF], [(ProposalType)0x3A3A, (ProposalType)0x0009], [CredentialType.Basic, (CredentialType)0x4A4A]);
        var bytes = TlsWriter.Encode(capabilities);
        var decoded = MessageSamples.Decode(bytes, Capabilities.Decode);
        Assert.Equal(capabilities, decoded);
        Assert.Contains((ProposalType)0x3A3A, decoded.Proposals);
        Assert.Equal(bytes, TlsWriter.Encode(decoded));

        var groupContextExtensions = new GroupContextExtensions([new Extension(0xBABA, [1, 2, 3]), new Extension(Extension.ExternalSenders, [])]);
        var gceBytes = TlsWriter.Encode(groupContextExtensions);
        Assert.Equal(gceBytes, TlsWriter.Encode(MessageSamples.Decode(gceBytes, GroupContextExtensions.Decode)));
    }

    [Fact]
    public void Non_minimal_length_inside_a_structure_is_rejected()
    {
        // ExternalInit with kem_output of length 1 written as a two-byte varint.
        var e = Assert.Throws<DecodeException>(() => MessageSamples.Decode([0x40, 0x01, 0xAA], ExternalInit.Decode));
        Assert.Equal(DecodeError.NonMinimalVarint, e.Reason);
    }

    [Fact]
    public void Huge_declared_length_is_truncated_without_allocating()
    {
        // Welcome: cipher_suite, then secrets<V> claiming 2^30-1 bytes.
        var e = Assert.Throws<DecodeException>(() => MessageSamples.Decode([0x00, 0x01, 0xBF, 0xFF, 0xFF, 0xFF, 0x00], Welcome.Decode));
        Assert.Equal(DecodeError.Truncated, e.Reason);
    }

    [Fact]
    public void Leaf_node_fields_follow_its_source()
    {
        var leaf = MessageSamples.Decode(MessageSamples.Field("update_proposal"), LeafNode.Decode);
        var lifetime = new Lifetime(0, 1);
        Assert.Throws<ArgumentException>(() => new LeafNode(leaf.EncryptionKey, leaf.SignatureKey, leaf.Credential, leaf.Capabilities, LeafNodeSource.KeyPackage, null, null, leaf.Extensions, leaf.Signature));
        Assert.Throws<ArgumentException>(() => new LeafNode(leaf.EncryptionKey, leaf.SignatureKey, leaf.Credential, leaf.Capabilities, LeafNodeSource.Commit, null, null, leaf.Extensions, leaf.Signature));
        Assert.Throws<ArgumentException>(() => new LeafNode(leaf.EncryptionKey, leaf.SignatureKey, leaf.Credential, leaf.Capabilities, LeafNodeSource.Update, lifetime, null, leaf.Extensions, leaf.Signature));

        var keyPackageLeaf = new LeafNode(leaf.EncryptionKey, leaf.SignatureKey, leaf.Credential, leaf.Capabilities, LeafNodeSource.KeyPackage, lifetime, null, leaf.Extensions, leaf.Signature);
        Assert.Equal(keyPackageLeaf, MessageSamples.Decode(TlsWriter.Encode(keyPackageLeaf), LeafNode.Decode));
        Assert.Throws<ArgumentException>(() => keyPackageLeaf.ToBeSigned([1], 0));
        Assert.Throws<ArgumentException>(() => leaf.ToBeSigned(null, null));
    }

    [Fact]
    public void Leaf_node_tbs_is_the_node_without_signature_plus_group_and_leaf_for_update_and_commit()
    {
        var leaf = MessageSamples.Decode(MessageSamples.Field("update_proposal"), LeafNode.Decode);
        var encoded = TlsWriter.Encode(leaf);
        var unsigned = encoded[..^WithHeader(leaf.Signature)];

        var tbs = leaf.ToBeSigned([0x0A, 0x0B], 0x01020304).ToBytes();
        Assert.Equal([.. unsigned, 0x02, 0x0A, 0x0B, 0x01, 0x02, 0x03, 0x04], tbs);

        var decoded = MessageSamples.Decode(tbs, LeafNodeTBS.Decode);
        Assert.Equal(0x01020304u, decoded.LeafIndex);
        Assert.Empty(decoded.LeafNode.Signature);
        Assert.Equal(leaf.WithSignature([]), decoded.LeafNode);
    }

    [Fact]
    public void Framed_content_tbs_covers_the_group_context_for_members_only()
    {
        var groupInfo = MLSMessage.FromBytes(MessageSamples.Field("mls_group_info")).GroupInfo!;
        var member = PublicMessageOf("public_message_proposal").Content;
        Assert.Throws<ArgumentException>(() => new FramedContentTBS(WireFormat.MlsPublicMessage, member, null));

        var tbs = new FramedContentTBS(WireFormat.MlsPublicMessage, member, groupInfo.GroupContext);
        Assert.Equal([0x00, 0x01, 0x00, 0x01, .. TlsWriter.Encode(member), .. groupInfo.GroupContext.ToBytes()], tbs.ToBytes());
        Assert.Equal(tbs, MessageSamples.Decode(tbs.ToBytes(), FramedContentTBS.Decode));

        var external = FramedContent.ForProposal([1], 0, Sender.External(0), [], new Proposal(new Remove(1)));
        Assert.Throws<ArgumentException>(() => new FramedContentTBS(WireFormat.MlsPublicMessage, external, groupInfo.GroupContext));
        Assert.Equal([0x00, 0x01, 0x00, 0x01, .. TlsWriter.Encode(external)], new FramedContentTBS(WireFormat.MlsPublicMessage, external, null).ToBytes());
    }

    [Fact]
    public void Group_secrets_keep_their_secrets_out_of_ToString_and_wipe_them()
    {
        var bytes = MessageSamples.Field("group_secrets");
        var secrets = GroupSecrets.FromBytes(bytes);
        Assert.DoesNotContain(Convert.ToHexStringLower(secrets.JoinerSecret.Export()), secrets.ToString(), StringComparison.Ordinal);
        using (var encoded = secrets.ToSecret())
        {
            Assert.True(encoded.ContentEquals(bytes));
        }

        Assert.Equal(bytes, TlsWriter.Encode(secrets));
        secrets.Dispose();
        Assert.True(secrets.JoinerSecret.IsDisposed);

        var e = Assert.Throws<DecodeException>(() => GroupSecrets.FromBytes([.. bytes, 0x00]));
        Assert.Equal(DecodeError.TrailingBytes, e.Reason);
    }

    [Fact]
    public void Group_secrets_distinguish_an_absent_from_an_empty_path_secret()
    {
        using var absent = GroupSecrets.FromBytes([0x01, 0xAA, 0x00, 0x00]);
        using var empty = GroupSecrets.FromBytes([0x01, 0xAA, 0x01, 0x00, 0x00]);
        Assert.Null(absent.PathSecret);
        Assert.Equal(0, empty.PathSecret!.Length);
        Assert.Equal([0x01, 0xAA, 0x01, 0x00, 0x00], TlsWriter.Encode(empty));
    }

    [Fact]
    public void Equality_is_equality_of_encodings()
    {
        var bytes = MessageSamples.Field("mls_key_package");
        var first = MLSMessage.FromBytes(bytes);
        var second = MLSMessage.FromBytes(bytes);
        Assert.Equal(first, second);
        Assert.Equal(first.GetHashCode(), second.GetHashCode());

        bytes[^1] ^= 1;
        Assert.NotEqual(first, MLSMessage.FromBytes(bytes));
    }

    [Fact]
    public void Key_package_and_group_info_tbs_are_the_fields_above_the_signature()
    {
        var keyPackage = MLSMessage.FromBytes(MessageSamples.Field("mls_key_package")).KeyPackage!;
        var kpBytes = keyPackage.ToBytes();
        Assert.Equal(kpBytes[..^WithHeader(keyPackage.Signature)], keyPackage.ToBeSigned().ToBytes());

        var groupInfo = MLSMessage.FromBytes(MessageSamples.Field("mls_group_info")).GroupInfo!;
        var giBytes = groupInfo.ToBytes();
        Assert.Equal(giBytes[..^WithHeader(groupInfo.Signature)], groupInfo.ToBeSigned().ToBytes());
    }

    [Fact]
    public void Private_content_body_reads_back_with_a_header_from_elsewhere()
    {
        var content = PublicMessageOf("public_message_proposal").Content;
        var writer = new TlsWriter();
        content.EncodeBody(writer);
        var body = writer.ToArray();

        var decoded = TlsReader.Decode(body, "body", (ref TlsReader r) => FramedContent.DecodeBody(ref r, content.GroupId, content.Epoch, content.Sender, content.AuthenticatedData, ContentType.Proposal));
        Assert.Equal(content, decoded);
    }

    /// <summary>The length of <c>opaque value&lt;V&gt;</c>: the varint header and the bytes.</summary>
    private static int WithHeader(byte[] value)
    {
        var writer = new TlsWriter();
        writer.WriteOpaque(value);
        return writer.Length;
    }

    private static PublicMessage PublicMessageOf(string field) => MLSMessage.FromBytes(MessageSamples.Field(field)).PublicMessage!;

    private static void AssertInvalid<T>(string hex, ReadFunc<T> decode)
    {
        var e = Assert.Throws<DecodeException>(() => MessageSamples.Decode(Convert.FromHexString(hex), decode));
        Assert.Equal(DecodeError.InvalidValue, e.Reason);
    }
}
