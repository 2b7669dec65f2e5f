using System.Text.Json;
using Courier.Mls.Codec;
using Courier.Mls.Crypto;
using Courier.Mls.Messages;

namespace Courier.Vectors;

/// <summary>
/// messages.json: every field decodes as its RFC 9420 structure and re-encodes to the same bytes
/// (the encoding is canonical).
/// </summary>
public sealed class MessagesVectors : VectorFile
{
    /// <inheritdoc/>
    public override string FileName => "messages.json";

    /// <inheritdoc/>
    public override bool PerSuite => false;

    internal override void Check(JsonElement testCase, CipherSuite? suite)
    {
        CheckMessage(testCase, "mls_welcome", WireFormat.MlsWelcome, null);
        CheckMessage(testCase, "mls_group_info", WireFormat.MlsGroupInfo, null);
        CheckMessage(testCase, "mls_key_package", WireFormat.MlsKeyPackage, null);
        CheckMessage(testCase, "public_message_application", WireFormat.MlsPublicMessage, ContentType.Application);
        CheckMessage(testCase, "public_message_proposal", WireFormat.MlsPublicMessage, ContentType.Proposal);
        CheckMessage(testCase, "public_message_commit", WireFormat.MlsPublicMessage, ContentType.Commit);
        CheckMessage(testCase, "private_message", WireFormat.MlsPrivateMessage, null);

        RoundTrip(testCase, "ratchet_tree", Node.DecodeRatchetTree, Node.EncodeRatchetTree);
        RoundTrip(testCase, "group_secrets", GroupSecrets.Decode, (w, s) =>
        {
            s.Encode(w);
            s.Dispose();
        });
        RoundTrip(testCase, "add_proposal", Add.Decode);
        RoundTrip(testCase, "update_proposal", Update.Decode);
        RoundTrip(testCase, "remove_proposal", Remove.Decode);
        RoundTrip(testCase, "pre_shared_key_proposal", PreSharedKey.Decode);
        RoundTrip(testCase, "re_init_proposal", ReInit.Decode);
        RoundTrip(testCase, "external_init_proposal", ExternalInit.Decode);
        RoundTrip(testCase, "group_context_extensions_proposal", GroupContextExtensions.Decode);
        RoundTrip(testCase, "commit", Commit.Decode);
    }

    private static void CheckMessage(JsonElement testCase, string field, WireFormat wireFormat, ContentType? contentType)
    {
        var message = RoundTrip(testCase, field, MLSMessage.Decode);
        Expect.Equal(wireFormat, message.WireFormat, $"{field} wire_format");
        if (contentType is not null)
        {
            Expect.Equal(contentType, message.PublicMessage!.Content.ContentType, $"{field} content_type");
        }
    }

    private static T RoundTrip<T>(JsonElement testCase, string field, ReadFunc<T> decode)
        where T : ITlsEncodable
        => RoundTrip(testCase, field, decode, (w, v) => v.Encode(w));

    private static T RoundTrip<T>(JsonElement testCase, string field, ReadFunc<T> decode, Action<TlsWriter, T> encode)
    {
        var bytes = Expect.Hex(testCase, field);
        var value = TlsReader.Decode(bytes, field, decode);
        var writer = new TlsWriter();
        encode(writer, value);
        Expect.Equal(bytes, writer.Written, $"{field} re-encoded");
        return value;
    }
}
