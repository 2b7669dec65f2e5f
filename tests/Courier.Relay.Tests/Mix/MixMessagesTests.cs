using Courier.Relay.Client.Mix;

namespace Courier.Relay.Tests.Mix;

/// <summary>The request and answer encodings of docs/mixnet.md, "Requests and answers".</summary>
public sealed class MixMessagesTests
{
    private static readonly MixRequest Request = new(
        new byte[684], "POST", "/v1/drops/abc/envelopes",
        [new("Courier-Message-Id", "AAAAAAAAAAAAAAAAAAAAAA"), new("Content-Type", "application/octet-stream")],
        new byte[1024]);

    [Fact]
    public void A_request_and_an_answer_round_trip_with_their_padding_and_the_offsets_are_the_documented_ones()
    {
        var encoded = MixMessages.Encode(Request);
        Assert.Equal([1, 0x02, 0xac], encoded[..3]); // version, SURB length 684
        Assert.Equal(2, encoded[3 + 684]); // POST
        var padded = new byte[MixMessages.MessageLength];
        encoded.CopyTo(padded, 0);
        var back = MixMessages.DecodeRequest(padded);
        Assert.Equal(Request.Target, back.Target);
        Assert.Equal(Request.Headers, back.Headers);
        Assert.Equal(Request.Body, back.Body);

        var answer = MixMessages.DecodeAnswer([.. MixMessages.Encode(new MixAnswer(201, "{}"u8.ToArray())), 0, 0]);
        Assert.Equal(201, answer.Status);
        Assert.Equal("{}"u8.ToArray(), answer.Body);
    }

    [Fact]
    public void Truncated_trailing_or_unknown_contents_are_refused_with_a_typed_error()
    {
        var encoded = MixMessages.Encode(Request);
        for (int cut = 0; cut < encoded.Length; cut += 97)
        {
            Assert.Throws<MixMessageException>(() => MixMessages.DecodeRequest(encoded[..cut]));
        }

        Assert.Throws<MixMessageException>(() => MixMessages.DecodeRequest([.. encoded, 0, 1]));
        var unknownHeader = encoded.ToArray();
        unknownHeader[3 + 684 + 1 + 2 + Request.Target.Length + 1] = 9;
        Assert.Throws<MixMessageException>(() => MixMessages.DecodeRequest(unknownHeader));
        var badMethod = encoded.ToArray();
        badMethod[3 + 684] = 3;
        Assert.Throws<MixMessageException>(() => MixMessages.DecodeRequest(badMethod));
        Assert.Throws<MixMessageException>(() => MixMessages.DecodeAnswer([1, 0, 42, 0, 0, 0, 0]));
        Assert.Throws<ArgumentException>(() => MixMessages.Encode(Request with { Headers = [new("Cookie", "x")] }));
    }
}
