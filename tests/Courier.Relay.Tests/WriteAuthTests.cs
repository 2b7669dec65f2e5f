using System.Buffers.Text;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Courier.Relay.Client;

namespace Courier.Relay.Tests;

/// <summary>Write-authorized drops (docs/relay-api.md): appends signed with the append key, no trim, and drops from before.</summary>
public sealed class WriteAuthTests
{
    private static byte[] Envelope(byte fill = 1) => Enumerable.Repeat(fill, EnvelopeSizes.Small).ToArray();

    [Fact]
    public async Task Only_appends_signed_with_the_append_key_for_this_id_and_envelope_are_stored()
    {
        var time = new ManualClock(DateTimeOffset.UtcNow);
        await using var relay = await TestRelay.StartAsync(time: time);
        using var readKey = DropReadKey.Create();
        using var appendKey = DropAppendKey.Create();
        using var stranger = DropAppendKey.Create();
        var drop = DropName.NewRandom();
        Assert.True(await relay.Client.CreateDropAsync(drop, readKey, appendKey));
        Assert.False(await relay.Client.CreateDropAsync(drop, readKey, appendKey));
        long now = time.GetUtcNow().ToUnixTimeSeconds();
        var id = MessageId.NewRandom();

        Assert.Equal((401, "unauthenticated"), await RelayApiTests.RawAsync(relay, HttpMethod.Post, Target(drop), Envelope(), (RequestSignature.MessageIdHeader, id.ToString())));
        Assert.Equal((401, "bad_signature"), await AppendAsync(relay, stranger, drop, id, Envelope(), now));
        // The read key signs fetches, not appends.
        Assert.Equal((401, "bad_signature"), await AppendAsync(relay, readKey, drop, id, Envelope(), now));
        // Signed for another message id, another envelope, another drop: each is covered.
        Assert.Equal((401, "bad_signature"), await AppendAsync(relay, appendKey, drop, id, Envelope(), now, sendId: MessageId.NewRandom()));
        Assert.Equal((401, "bad_signature"), await AppendAsync(relay, appendKey, drop, id, Envelope(), now, sendEnvelope: Envelope(2)));
        var otherDrop = DropName.NewRandom();
        await relay.Client.CreateDropAsync(otherDrop, readKey, appendKey);
        Assert.Equal((401, "bad_signature"), await AppendAsync(relay, appendKey, otherDrop, id, Envelope(), now, signedDrop: drop));
        Assert.Equal((401, "stale_request"), await AppendAsync(relay, appendKey, drop, id, Envelope(), now - 61));
        Assert.Empty((await relay.Client.FetchAsync(drop, readKey, 0)).Envelopes);

        // The genuine request, sent twice (a retry, or a replay by whoever captured it): stored once.
        var nonce = RandomNumberGenerator.GetBytes(RequestSignature.NonceSize);
        Assert.Equal((201, ""), await AppendAsync(relay, appendKey, drop, id, Envelope(), now, nonce: nonce));
        Assert.Equal((200, ""), await AppendAsync(relay, appendKey, drop, id, Envelope(), now, nonce: nonce));
        Assert.Equal(new AppendReceipt(2, false), await relay.Client.AppendAsync(drop, appendKey, Envelope(3), MessageId.NewRandom()));
        var fetched = await relay.Client.FetchAsync(drop, readKey, 0);
        Assert.Equal([1L, 2], fetched.Envelopes.Select(e => e.Seq));
        Assert.Equal(Envelope(), fetched.Envelopes[0].Data);
    }

    [Fact]
    public async Task A_write_authorized_drop_cannot_be_trimmed_even_by_its_readers()
    {
        await using var relay = await TestRelay.StartAsync();
        using var readKey = DropReadKey.Create();
        using var appendKey = DropAppendKey.Create();
        var drop = DropName.NewRandom();
        await relay.Client.CreateDropAsync(drop, readKey, appendKey);
        await relay.Client.AppendAsync(drop, appendKey, Envelope(), MessageId.NewRandom());

        var ex = await Assert.ThrowsAsync<RelayRequestException>(() => relay.Client.TrimAsync(drop, readKey, 1));
        Assert.Equal((403, "trim_not_allowed"), (ex.Status, ex.Error));
        Assert.Single((await relay.Client.FetchAsync(drop, readKey, 0)).Envelopes);
    }

    [Fact]
    public async Task Keys_are_checked_at_creation_and_a_drop_keeps_the_keys_it_was_created_with()
    {
        await using var relay = await TestRelay.StartAsync();
        using var readKey = DropReadKey.Create();
        using var appendKey = DropAppendKey.Create();
        using var otherAppendKey = DropAppendKey.Create();
        var drop = DropName.NewRandom();
        foreach (var bad in new[] { "", "AAAA", Base64Url.EncodeToString(new byte[33]), Base64Url.EncodeToString(new byte[32]) + "=" })
        {
            var body = Encoding.UTF8.GetBytes($"{{\"drop\":\"{drop}\",\"readKey\":\"{Base64Url.EncodeToString(readKey.PublicKey)}\",\"appendKey\":\"{bad}\"}}");
            Assert.Equal((400, "bad_append_key"), await SignedCreateAsync(relay, readKey, drop, body));
        }

        await relay.Client.CreateDropAsync(drop, readKey, appendKey);
        foreach (var other in new DropAppendKey?[] { otherAppendKey, null })
        {
            var ex = await Assert.ThrowsAsync<RelayRequestException>(() => relay.Client.CreateDropAsync(drop, readKey, other));
            Assert.Equal((409, "drop_exists"), (ex.Status, ex.Error));
        }

        Assert.Equal((401, "unauthenticated"), await RelayApiTests.RawAsync(relay, HttpMethod.Post, Target(drop), Envelope(), (RequestSignature.MessageIdHeader, MessageId.NewRandom().ToString())));
    }

    [Fact]
    public async Task A_drop_created_without_an_append_key_takes_appends_as_before()
    {
        await using var relay = await TestRelay.StartAsync();
        using var readKey = DropReadKey.Create();
        using var anyKey = DropAppendKey.Create();
        var drop = DropName.NewRandom();
        await relay.Client.CreateDropAsync(drop, readKey, null);
        Assert.Equal(new AppendReceipt(1, false), await relay.Client.AppendAsync(drop, null, Envelope(), MessageId.NewRandom()));
        // A signature on such a drop is not checked (a node signs every append).
        Assert.Equal(new AppendReceipt(2, false), await relay.Client.AppendAsync(drop, anyKey, Envelope(), MessageId.NewRandom()));
        await relay.Client.TrimAsync(drop, readKey, 2);
        Assert.Empty((await relay.Client.FetchAsync(drop, readKey, 0)).Envelopes);
    }

    private static string Target(DropName drop) => $"/v1/drops/{drop}/envelopes";

    private static async Task<(int Status, string Error)> AppendAsync(TestRelay relay, DropSigningKey key, DropName drop, MessageId id, byte[] envelope, long timestamp, byte[]? nonce = null, MessageId? sendId = null, byte[]? sendEnvelope = null, DropName? signedDrop = null)
    {
        nonce ??= RandomNumberGenerator.GetBytes(RequestSignature.NonceSize);
        var signed = signedDrop ?? drop;
        var signature = key.Sign(RequestSignature.AppendMessage(Target(signed), signed.ToString(), timestamp, nonce, id.ToString(), envelope));
        using var request = new HttpRequestMessage(HttpMethod.Post, Target(drop));
        request.Headers.Add(RequestSignature.MessageIdHeader, (sendId ?? id).ToString());
        request.Headers.Add(RequestSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(RequestSignature.NonceHeader, Base64Url.EncodeToString(nonce));
        request.Headers.Add(RequestSignature.SignatureHeader, Base64Url.EncodeToString(signature));
        request.Content = new ByteArrayContent(sendEnvelope ?? envelope);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return await RelayApiTests.SendAsync(relay, request);
    }

    private static async Task<(int Status, string Error)> SignedCreateAsync(TestRelay relay, DropReadKey key, DropName drop, byte[] body)
    {
        var nonce = RandomNumberGenerator.GetBytes(RequestSignature.NonceSize);
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var signature = key.Sign(RequestSignature.Message("POST", "/v1/drops", drop.ToString(), now, nonce, body));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/drops");
        request.Headers.Add(RequestSignature.TimestampHeader, now.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(RequestSignature.NonceHeader, Base64Url.EncodeToString(nonce));
        request.Headers.Add(RequestSignature.SignatureHeader, Base64Url.EncodeToString(signature));
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return await RelayApiTests.SendAsync(relay, request);
    }
}
