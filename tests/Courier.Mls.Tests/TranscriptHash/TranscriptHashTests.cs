using System.Text.Json;
using Courier.Mls.Codec;
using Courier.Mls.Crypto;
using Courier.Mls.Messages;
using Courier.Mls.TranscriptHash;

namespace Courier.Mls.Tests.TranscriptHash;

public class TranscriptHashTests
{
    [Fact]
    public void Epoch_zero_hashes_are_empty()
    {
        var initial = TranscriptHashes.Initial();
        Assert.Empty(initial.Confirmed);
        Assert.Empty(initial.Interim);
    }

    [Fact]
    public void Update_matches_the_RFC_formulas()
    {
        var (suite, content, interimBefore, _) = VectorCase();
        var input = ConfirmedTranscriptHashInput.From(content);
        var inputBytes = TlsWriter.Encode(input);

        // ConfirmedTranscriptHashInput is AuthenticatedContent without the confirmation tag.
        var tag = content.Auth.ConfirmationTag!;
        Assert.Equal(content.ToBytes()[..^(tag.Length + 1)], inputBytes); // a 32-byte MAC has a one-byte header

        var next = new TranscriptHashes([], interimBefore).Next(suite, content);
        Assert.Equal(suite.Hash([.. interimBefore, .. inputBytes]), next.Confirmed);
        Assert.Equal(suite.Hash([.. next.Confirmed, (byte)tag.Length, .. tag]), next.Interim);
    }

    [Fact]
    public void Confirmation_tag_verifies_only_the_right_tag()
    {
        var (suite, content, interimBefore, confirmationKey) = VectorCase();
        using var key = confirmationKey;
        var confirmed = new TranscriptHashes([], interimBefore).Next(suite, content).Confirmed;
        var tag = content.Auth.ConfirmationTag!;

        Assert.Equal(tag, ConfirmationTag.Compute(suite, key, confirmed));
        Assert.True(ConfirmationTag.Verify(suite, key, confirmed, tag));

        var flipped = (byte[])tag.Clone();
        flipped[^1] ^= 0x01;
        Assert.False(ConfirmationTag.Verify(suite, key, confirmed, flipped));
        Assert.False(ConfirmationTag.Verify(suite, key, confirmed, tag[..^1]));
        Assert.False(ConfirmationTag.Verify(suite, key, interimBefore, tag));
    }

    [Fact]
    public void Only_a_commit_updates_the_transcript()
    {
        var proposal = FramedContent.ForProposal([1], 0, Sender.Member(0), [], new Proposal(new Remove(1)));
        var content = new AuthenticatedContent(WireFormat.MlsPublicMessage, proposal, new FramedContentAuthData([1], null));
        Assert.Throws<ArgumentException>(() => TranscriptHashes.Initial().Next(CipherSuite.Suite1, content));

        var writer = new TlsWriter();
        writer.WriteUInt16((ushort)WireFormat.MlsPublicMessage);
        proposal.Encode(writer);
        writer.WriteOpaque([1]);
        var e = Assert.Throws<DecodeException>(() => TlsReader.Decode(writer.ToArray(), "input", ConfirmedTranscriptHashInput.Decode));
        Assert.Equal(DecodeError.InvalidValue, e.Reason);
    }

    private static (CipherSuite Suite, AuthenticatedContent Content, byte[] InterimBefore, Secret ConfirmationKey) VectorCase()
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(TestVectorPaths.Mls("transcript-hashes.json")));
        var testCase = document.RootElement.EnumerateArray().First(c => c.GetProperty("cipher_suite").GetUInt16() == 1);
        byte[] Hex(string name) => Convert.FromHexString(testCase.GetProperty(name).GetString()!);
        return (
            CipherSuite.Suite1,
            TlsReader.Decode(Hex("authenticated_content"), nameof(AuthenticatedContent), AuthenticatedContent.Decode),
            Hex("interim_transcript_hash_before"),
            Secret.Copy(Hex("confirmation_key")));
    }
}
