using Courier.Relay.Client;
using Courier.Relay.Client.Mix;

namespace Courier.Relay.Tests.Mix;

/// <summary>The request and answer encodings of docs/mixnet.md, "Requests and answers", and the choice of packet sizes.</summary>
public sealed class MixMessagesTests
{
    private static readonly MixRequest Request = new(
        new byte[684], MixMessages.SmallMessageLength, "POST", "/v1/drops/abc/envelopes",
        [new("Courier-Message-Id", "AAAAAAAAAAAAAAAAAAAAAA"), new("Content-Type", "application/octet-stream")],
        new byte[1024]);

    [Fact]
    public void A_request_and_an_answer_round_trip_with_their_padding_and_the_offsets_are_the_documented_ones()
    {
        var encoded = MixMessages.Encode(Request);
        Assert.Equal([2, 1, 0x02, 0xac], encoded[..4]); // version, small reply, SURB length 684
        Assert.Equal(2, encoded[4 + 684]); // POST
        var padded = new byte[MixMessages.SmallMessageLength];
        encoded.CopyTo(padded, 0);
        var back = MixMessages.DecodeRequest(padded);
        Assert.Equal(MixMessages.SmallMessageLength, back.ReplyLength);
        Assert.Equal(Request.Target, back.Target);
        Assert.Equal(Request.Headers, back.Headers);
        Assert.Equal(Request.Body, back.Body);
        Assert.Equal(2, MixMessages.Encode(Request with { ReplyLength = MixMessages.LargeMessageLength })[1]);

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
        unknownHeader[4 + 684 + 1 + 2 + Request.Target.Length + 1] = 9;
        Assert.Throws<MixMessageException>(() => MixMessages.DecodeRequest(unknownHeader));
        var badMethod = encoded.ToArray();
        badMethod[4 + 684] = 3;
        Assert.Throws<MixMessageException>(() => MixMessages.DecodeRequest(badMethod));
        var badReplySize = encoded.ToArray();
        badReplySize[1] = 3;
        Assert.Throws<MixMessageException>(() => MixMessages.DecodeRequest(badReplySize));
        Assert.Throws<MixMessageException>(() => MixMessages.DecodeAnswer([2, 0, 42, 0, 0, 0, 0]));
        Assert.Throws<ArgumentException>(() => MixMessages.Encode(Request with { Headers = [new("Cookie", "x")] }));
        Assert.Throws<ArgumentException>(() => MixMessages.Encode(Request with { ReplyLength = 1000 }));
    }

    [Fact]
    public void A_request_goes_in_the_smallest_size_that_holds_it_and_only_a_fetch_asks_for_a_large_reply()
    {
        // An append of a 4 KiB envelope with a SURB and headers as long as a signed request's fits the small size; 64 KiB does not.
        string[] values = [new('1', 10), new('n', 22), new('s', 86), new('m', 22), "application/octet-stream"];
        var headers = MixMessages.HeaderNames.Select((name, i) => new KeyValuePair<string, string>(name, values[i])).ToList();
        var append = Request with { Headers = headers, Body = new byte[EnvelopeSizes.Medium], Target = "/v1/drops/" + new string('d', 43) + "/envelopes" };
        Assert.Equal(MixMessages.SmallMessageLength, MixMessages.MessageLengthFor(MixMessages.Encode(append).Length));
        Assert.Equal(MixMessages.LargeMessageLength, MixMessages.MessageLengthFor(MixMessages.Encode(append with { Body = new byte[EnvelopeSizes.Large] }).Length));
        Assert.Equal(MixMessages.LargeMessageLength, MixMessages.MessageLengthFor(MixMessages.Encode(append with { Body = new byte[EnvelopeSizes.Max] }).Length));
        Assert.Equal(MixMessages.SmallMessageLength, MixMessages.MessageLengthFor(MixMessages.SmallMessageLength));
        Assert.Equal(MixMessages.LargeMessageLength, MixMessages.MessageLengthFor(MixMessages.SmallMessageLength + 1));
        Assert.Throws<MixMessageException>(() => MixMessages.MessageLengthFor(MixMessages.LargeMessageLength + 1));

        Assert.Equal(MixMessages.LargeMessageLength, MixMessages.ReplyLengthFor("GET", "/v1/drops/abc/envelopes?after=0&limit=10&wait=30"));
        Assert.Equal(MixMessages.SmallMessageLength, MixMessages.ReplyLengthFor("POST", "/v1/drops/abc/envelopes"));
        Assert.Equal(MixMessages.SmallMessageLength, MixMessages.ReplyLengthFor("POST", "/v1/drops"));
        Assert.Equal(MixMessages.SmallMessageLength, MixMessages.ReplyLengthFor("POST", "/v1/drops/abc/trim"));
    }
}
