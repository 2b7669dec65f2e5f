using System.Text.Json;
using Courier.Mls.Codec;
using Courier.Mls.Crypto;
using Courier.Mls.Messages;
using Courier.Mls.TranscriptHash;

namespace Courier.Vectors;

/// <summary>transcript-hashes.json: the confirmation tag and the transcript hash update of a Commit (RFC 9420 §8.2).</summary>
public sealed class TranscriptHashVectors : VectorFile
{
    /// <inheritdoc/>
    public override string FileName => "transcript-hashes.json";

    internal override void Check(JsonElement testCase, CipherSuite? suite)
    {
        ArgumentNullException.ThrowIfNull(suite);
        var content = TlsReader.Decode(Expect.Hex(testCase, "authenticated_content"), nameof(AuthenticatedContent), AuthenticatedContent.Decode);
        Expect.Equal(ContentType.Commit, content.Content.ContentType, "authenticated_content content_type");

        var before = new TranscriptHashes([], Expect.Hex(testCase, "interim_transcript_hash_before"));
        var after = before.Next(suite, content);
        var confirmedAfter = Expect.Hex(testCase, "confirmed_transcript_hash_after");
        Expect.Equal(confirmedAfter.AsSpan(), after.Confirmed, "confirmed_transcript_hash_after");
        Expect.Equal(Expect.Hex(testCase, "interim_transcript_hash_after").AsSpan(), after.Interim, "interim_transcript_hash_after");

        using var confirmationKey = Secret.Copy(Expect.Hex(testCase, "confirmation_key"));
        Expect.True(
            ConfirmationTag.Verify(suite, confirmationKey, confirmedAfter, content.Auth.ConfirmationTag),
            "confirmation_tag is not MAC(confirmation_key, confirmed_transcript_hash_after)");
    }
}
