using System.Buffers.Text;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Courier.Relay.Client;

namespace Courier.Relay.Tests;

/// <summary>The HTTP API through the typed client and through hand-made requests, on a live in-process relay.</summary>
public sealed class RelayApiTests
{
    private static byte[] Envelope(int size = EnvelopeSizes.Small, byte fill = 1) => Enumerable.Repeat(fill, size).ToArray();

    [Fact]
    public async Task Create_append_fetch_trim_round_trip()
    {
        await using var relay = await TestRelay.StartAsync();
        using var key = DropReadKey.Create();
        var drop = DropName.NewRandom();
        Assert.True(await relay.Client.CreateDropAsync(drop, key, null));
        Assert.False(await relay.Client.CreateDropAsync(drop, key, null));

        foreach (int size in EnvelopeSizes.All)
        {
            await relay.Client.AppendAsync(drop, null, Envelope(size, (byte)(size >> 10)), MessageId.NewRandom());
        }

        var fetched = await relay.Client.FetchAsync(drop, key, after: 0);
        Assert.Equal([1L, 2, 3, 4], fetched.Envelopes.Select(e => e.Seq));
        Assert.Equal(EnvelopeSizes.All, fetched.Envelopes.Select(e => e.Data.Length));
        Assert.Equal(4, fetched.Last);

        await relay.Client.TrimAsync(drop, key, 2);
        var rest = await relay.Client.FetchAsync(drop, key, after: 0);
        Assert.Equal([3L, 4], rest.Envelopes.Select(e => e.Seq));
    }

    [Fact]
    public async Task A_retried_append_returns_the_original_sequence_number()
    {
        await using var relay = await TestRelay.StartAsync();
        using var key = DropReadKey.Create();
        var drop = DropName.NewRandom();
        await relay.Client.CreateDropAsync(drop, key, null);
        var id = MessageId.NewRandom();
        Assert.Equal(new AppendReceipt(1, false), await relay.Client.AppendAsync(drop, null, Envelope(), id));
        Assert.Equal(new AppendReceipt(2, false), await relay.Client.AppendAsync(drop, null, Envelope(), MessageId.NewRandom()));
        Assert.Equal(new AppendReceipt(1, true), await relay.Client.AppendAsync(drop, null, Envelope(), id));
        Assert.Equal(2, (await relay.Client.FetchAsync(drop, key, 0)).Envelopes.Count);
    }

    [Fact]
    public async Task A_long_poll_returns_as_soon_as_an_envelope_arrives()
    {
        await using var relay = await TestRelay.StartAsync();
        using var key = DropReadKey.Create();
        var drop = DropName.NewRandom();
        await relay.Client.CreateDropAsync(drop, key, null);
        var poll = relay.Client.FetchAsync(drop, key, 0, TimeSpan.FromSeconds(30));
        await Task.Delay(200);
        Assert.False(poll.IsCompleted);
        await relay.Client.AppendAsync(drop, null, Envelope(), MessageId.NewRandom());
        var result = await poll.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, Assert.Single(result.Envelopes).Seq);

        var empty = await relay.Client.FetchAsync(drop, key, 1, TimeSpan.FromSeconds(1));
        Assert.Empty(empty.Envelopes);
        Assert.Equal(1, empty.Last);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1023)]
    [InlineData(1025)]
    [InlineData(2048)]
    [InlineData(65535)]
    public async Task Envelopes_outside_the_padding_buckets_are_refused(int size)
    {
        await using var relay = await TestRelay.StartAsync();
        using var key = DropReadKey.Create();
        var drop = DropName.NewRandom();
        await relay.Client.CreateDropAsync(drop, key, null);
        var ex = await Assert.ThrowsAsync<RelayRequestException>(() => relay.Client.AppendAsync(drop, null, new byte[size], MessageId.NewRandom()));
        Assert.Equal((422, "bad_envelope_size"), (ex.Status, ex.Error));
    }

    [Fact]
    public async Task Oversized_bodies_are_refused_with_413()
    {
        await using var relay = await TestRelay.StartAsync();
        var drop = DropName.NewRandom();
        var (status, error) = await RawAsync(relay, HttpMethod.Post, $"/v1/drops/{drop}/envelopes", new byte[EnvelopeSizes.Max + 1], ("Courier-Message-Id", MessageId.NewRandom().ToString()));
        Assert.Equal((413, "too_large"), (status, error));
        (status, error) = await RawAsync(relay, HttpMethod.Post, "/v1/drops", new byte[5000], contentType: "application/json");
        Assert.Equal((413, "too_large"), (status, error));
    }

    [Fact]
    public async Task Unknown_drops_routes_and_methods_get_json_errors()
    {
        await using var relay = await TestRelay.StartAsync();
        var ex = await Assert.ThrowsAsync<RelayRequestException>(() => relay.Client.AppendAsync(DropName.NewRandom(), null, Envelope(), MessageId.NewRandom()));
        Assert.Equal((404, "no_such_drop"), (ex.Status, ex.Error));
        Assert.Equal((404, "not_found"), await RawAsync(relay, HttpMethod.Get, "/v2/nothing", null));
        Assert.Equal((405, "method_not_allowed"), await RawAsync(relay, HttpMethod.Put, $"/v1/drops/{DropName.NewRandom()}/envelopes", null));
        Assert.Equal((400, "bad_drop_name"), await RawAsync(relay, HttpMethod.Post, "/v1/drops/abc/envelopes", Envelope(), ("Courier-Message-Id", MessageId.NewRandom().ToString())));
        Assert.Equal((400, "missing_message_id"), await RawAsync(relay, HttpMethod.Post, $"/v1/drops/{DropName.NewRandom()}/envelopes", Envelope()));
        Assert.Equal((400, "bad_message_id"), await RawAsync(relay, HttpMethod.Post, $"/v1/drops/{DropName.NewRandom()}/envelopes", Envelope(), ("Courier-Message-Id", "xyz")));
        Assert.Equal((415, "unsupported_media_type"), await RawAsync(relay, HttpMethod.Post, $"/v1/drops/{DropName.NewRandom()}/envelopes", Envelope(), ("Courier-Message-Id", MessageId.NewRandom().ToString()), contentType: "text/plain"));
    }

    [Fact]
    public async Task Fetch_needs_a_fresh_unreplayed_signature_by_the_read_key()
    {
        var time = new ManualClock(DateTimeOffset.UtcNow);
        await using var relay = await TestRelay.StartAsync(time: time);
        using var key = DropReadKey.Create();
        using var other = DropReadKey.Create();
        var drop = DropName.NewRandom();
        await relay.Client.CreateDropAsync(drop, key, null);
        await relay.Client.AppendAsync(drop, null, Envelope(), MessageId.NewRandom());
        string target = $"/v1/drops/{drop}/envelopes?after=0&limit=64&wait=0";

        Assert.Equal((401, "unauthenticated"), await RawAsync(relay, HttpMethod.Get, target, null));
        Assert.Equal((401, "bad_signature"), await SignedAsync(relay, other, drop, HttpMethod.Get, target, time.GetUtcNow().ToUnixTimeSeconds()));
        Assert.Equal((401, "stale_request"), await SignedAsync(relay, key, drop, HttpMethod.Get, target, time.GetUtcNow().ToUnixTimeSeconds() - 61));
        Assert.Equal((401, "stale_request"), await SignedAsync(relay, key, drop, HttpMethod.Get, target, time.GetUtcNow().ToUnixTimeSeconds() + 61));
        // Signed for another query: the signature covers the target.
        Assert.Equal((401, "bad_signature"), await SignedAsync(relay, key, drop, HttpMethod.Get, target, time.GetUtcNow().ToUnixTimeSeconds(), sendTarget: target.Replace("after=0", "after=1", StringComparison.Ordinal)));

        var nonce = RandomNumberGenerator.GetBytes(16);
        long now = time.GetUtcNow().ToUnixTimeSeconds();
        Assert.Equal((200, ""), await SignedAsync(relay, key, drop, HttpMethod.Get, target, now, nonce));
        Assert.Equal((401, "replayed_request"), await SignedAsync(relay, key, drop, HttpMethod.Get, target, now, nonce));
        time.Advance(TimeSpan.FromSeconds(120));
        Assert.Equal((401, "stale_request"), await SignedAsync(relay, key, drop, HttpMethod.Get, target, now, nonce));

        var ex = await Assert.ThrowsAsync<RelayRequestException>(() => relay.Client.FetchAsync(drop, key, after: 5));
        Assert.Equal((400, "out_of_range"), (ex.Status, ex.Error));
        ex = await Assert.ThrowsAsync<RelayRequestException>(() => relay.Client.TrimAsync(drop, key, 2));
        Assert.Equal((400, "out_of_range"), (ex.Status, ex.Error));
    }

    [Fact]
    public async Task A_drop_cannot_be_taken_over_with_another_key()
    {
        await using var relay = await TestRelay.StartAsync();
        using var key = DropReadKey.Create();
        using var other = DropReadKey.Create();
        var drop = DropName.NewRandom();
        await relay.Client.CreateDropAsync(drop, key, null);
        var ex = await Assert.ThrowsAsync<RelayRequestException>(() => relay.Client.CreateDropAsync(drop, other, null));
        Assert.Equal((409, "drop_exists"), (ex.Status, ex.Error));
    }

    [Fact]
    public async Task A_full_drop_answers_409()
    {
        await using var relay = await TestRelay.StartAsync(configure: o => new RelayOptions { Listen = o.Listen, RequestsPerSecondPerClient = 0, MaxEnvelopesPerDrop = 2 });
        using var key = DropReadKey.Create();
        var drop = DropName.NewRandom();
        await relay.Client.CreateDropAsync(drop, key, null);
        await relay.Client.AppendAsync(drop, null, Envelope(), MessageId.NewRandom());
        await relay.Client.AppendAsync(drop, null, Envelope(), MessageId.NewRandom());
        var ex = await Assert.ThrowsAsync<RelayRequestException>(() => relay.Client.AppendAsync(drop, null, Envelope(), MessageId.NewRandom()));
        Assert.Equal((409, "drop_full"), (ex.Status, ex.Error));
    }

    [Fact]
    public async Task Nameplates_carry_two_envelopes_each_way_between_the_inviter_and_the_first_to_join()
    {
        await using var relay = await TestRelay.StartAsync();
        var inviter = await relay.Client.AllocateNameplateAsync();
        Assert.InRange(inviter.Number, 1, 99_999);
        var acceptor = await relay.Client.JoinNameplateAsync(inviter.Number);
        Assert.NotEqual(inviter.Claim, acceptor.Claim);

        // Each side reads the other's envelopes only, numbered on their own.
        var reader = relay.Client.FetchNameplateAsync(inviter, 0, TimeSpan.FromSeconds(30));
        await relay.Client.AppendToNameplateAsync(acceptor, Envelope(EnvelopeSizes.Small, 7), MessageId.NewRandom());
        var read = await reader.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(7, Assert.Single(read.Envelopes).Data[0]);
        Assert.False(read.Interfered);
        await relay.Client.AppendToNameplateAsync(inviter, Envelope(EnvelopeSizes.Medium, 8), MessageId.NewRandom());
        await relay.Client.AppendToNameplateAsync(inviter, Envelope(EnvelopeSizes.Medium, 9), MessageId.NewRandom());
        Assert.Equal([8, 9], (await relay.Client.FetchNameplateAsync(acceptor, 0)).Envelopes.Select(e => (int)e.Data[0]));
        Assert.Single((await relay.Client.FetchNameplateAsync(inviter, 0)).Envelopes);

        // A third envelope from a side is beyond first contact's messages.
        var ex = await Assert.ThrowsAsync<RelayRequestException>(() => relay.Client.AppendToNameplateAsync(inviter, Envelope(), MessageId.NewRandom()));
        Assert.Equal((409, "nameplate_full"), (ex.Status, ex.Error));
        ex = await Assert.ThrowsAsync<RelayRequestException>(() => relay.Client.AppendToNameplateAsync(acceptor, Envelope(EnvelopeSizes.Large), MessageId.NewRandom()));
        Assert.Equal((422, "bad_envelope_size"), (ex.Status, ex.Error));

        // The acceptor cannot release; the inviter can, once.
        ex = await Assert.ThrowsAsync<RelayRequestException>(() => relay.Client.ReleaseNameplateAsync(acceptor));
        Assert.Equal((403, "bad_claim"), (ex.Status, ex.Error));
        await relay.Client.ReleaseNameplateAsync(inviter);
        ex = await Assert.ThrowsAsync<RelayRequestException>(() => relay.Client.FetchNameplateAsync(inviter, 0));
        Assert.Equal((404, "no_such_nameplate"), (ex.Status, ex.Error));
        ex = await Assert.ThrowsAsync<RelayRequestException>(() => relay.Client.ReleaseNameplateAsync(inviter));
        Assert.Equal((404, "no_such_nameplate"), (ex.Status, ex.Error));
        Assert.Equal((400, "bad_nameplate"), await RawAsync(relay, HttpMethod.Delete, "/v1/nameplates/0123", null));
    }

    [Fact]
    public async Task Without_its_claim_a_nameplate_can_be_neither_released_nor_filled_nor_read()
    {
        // issue 13, must-hold 2: a stranger who knows only the number gets a 4xx for everything but join.
        await using var relay = await TestRelay.StartAsync();
        var inviter = await relay.Client.AllocateNameplateAsync();
        string path = $"/v1/nameplates/{inviter.Number}";
        var forged = new NameplateClaim(inviter.Number, Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32)), isInviter: true);
        var messageId = ("Courier-Message-Id", MessageId.NewRandom().ToString());

        Assert.Equal((401, "unauthenticated"), await RawAsync(relay, HttpMethod.Delete, path, null));
        Assert.Equal((401, "unauthenticated"), await RawAsync(relay, HttpMethod.Post, $"{path}/envelopes", Envelope(), messageId));
        Assert.Equal((401, "unauthenticated"), await RawAsync(relay, HttpMethod.Get, $"{path}/envelopes?after=0&wait=0", null));
        Assert.Equal((403, "bad_claim"), await RawAsync(relay, HttpMethod.Delete, path, null, header: ("Courier-Nameplate-Claim", "not-a-claim")));
        foreach (var call in new Func<Task>[]
                 {
                     () => relay.Client.ReleaseNameplateAsync(forged),
                     () => relay.Client.AppendToNameplateAsync(forged, Envelope(), MessageId.NewRandom()),
                     () => relay.Client.FetchNameplateAsync(forged, 0),
                 })
        {
            var ex = await Assert.ThrowsAsync<RelayRequestException>(call);
            Assert.Equal((403, "bad_claim"), (ex.Status, ex.Error));
        }

        // The first join gets the acceptor's side; a second is refused and the sides are told.
        var acceptor = await relay.Client.JoinNameplateAsync(inviter.Number);
        var taken = await Assert.ThrowsAsync<RelayRequestException>(() => relay.Client.JoinNameplateAsync(inviter.Number));
        Assert.Equal((409, "nameplate_taken"), (taken.Status, taken.Error));
        Assert.True((await relay.Client.FetchNameplateAsync(inviter, 0)).Interfered);
        Assert.True((await relay.Client.FetchNameplateAsync(acceptor, 0)).Interfered);
        var none = await Assert.ThrowsAsync<RelayRequestException>(() => relay.Client.JoinNameplateAsync(inviter.Number == 1 ? 2 : 1));
        Assert.Equal((404, "no_such_nameplate"), (none.Status, none.Error));

        // Nothing the stranger did reached the nameplate.
        Assert.Empty((await relay.Client.FetchNameplateAsync(acceptor, 0)).Envelopes);
        await relay.Client.ReleaseNameplateAsync(inviter);
    }

    [Fact]
    public async Task Nameplate_allocation_is_rate_limited_per_address()
    {
        await using var relay = await TestRelay.StartAsync(configure: o => new RelayOptions { Listen = o.Listen, RequestsPerSecondPerClient = 0, NameplateAllocationsPerMinute = 3 });
        for (int i = 0; i < 3; i++)
        {
            await relay.Client.AllocateNameplateAsync();
        }

        var ex = await Assert.ThrowsAsync<RelayRequestException>(() => relay.Client.AllocateNameplateAsync());
        Assert.Equal((429, "rate_limited"), (ex.Status, ex.Error));
    }

    [Fact]
    public async Task Health_and_metrics_answer_and_metrics_never_name_a_drop()
    {
        await using var relay = await TestRelay.StartAsync();
        using var key = DropReadKey.Create();
        var drop = DropName.NewRandom();
        await relay.Client.CreateDropAsync(drop, key, null);
        await relay.Client.AppendAsync(drop, null, Envelope(), MessageId.NewRandom());
        var health = await relay.Http.GetStringAsync("/healthz");
        Assert.Equal("ok", JsonDocument.Parse(health).RootElement.GetProperty("status").GetString());
        var metrics = await relay.Http.GetStringAsync("/metrics");
        Assert.Contains("courier_relay_appends_total 1", metrics, StringComparison.Ordinal);
        Assert.Contains("courier_relay_drops{store=\"sqlite\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("courier_relay_requests_total{route=\"append\",status=\"201\"} 1", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain(drop.ToString(), metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logs_never_name_a_drop_a_nameplate_or_a_message_id()
    {
        await using var relay = await TestRelay.StartAsync();
        using var key = DropReadKey.Create();
        var drop = DropName.NewRandom();
        var id = MessageId.NewRandom();
        await relay.Client.CreateDropAsync(drop, key, null);
        await relay.Client.AppendAsync(drop, null, Envelope(), id);
        await relay.Client.FetchAsync(drop, key, 0);
        await Assert.ThrowsAsync<RelayRequestException>(() => relay.Client.AppendAsync(drop, null, new byte[3], MessageId.NewRandom()));
        await Assert.ThrowsAsync<RelayRequestException>(() => relay.Client.FetchAsync(DropName.NewRandom(), key, 0));
        var plate = await relay.Client.AllocateNameplateAsync();
        await relay.Client.ReleaseNameplateAsync(plate);
        await RawAsync(relay, HttpMethod.Get, $"/v1/drops/{drop}/nothing", null);

        Assert.NotEmpty(relay.Logs.Lines);
        foreach (var line in relay.Logs.Lines)
        {
            Assert.DoesNotContain(drop.ToString(), line, StringComparison.Ordinal);
            Assert.DoesNotContain(id.ToString(), line, StringComparison.Ordinal);
            Assert.DoesNotContain("/v1/", line, StringComparison.Ordinal);
        }
    }

    internal static async Task<(int Status, string Error)> RawAsync(TestRelay relay, HttpMethod method, string target, byte[]? body, (string Name, string Value)? header = null, string contentType = "application/octet-stream")
    {
        using var request = new HttpRequestMessage(method, target);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        if (header is { } h)
        {
            request.Headers.TryAddWithoutValidation(h.Name, h.Value);
        }

        return await SendAsync(relay, request);
    }

    private static async Task<(int Status, string Error)> SignedAsync(TestRelay relay, DropReadKey key, DropName drop, HttpMethod method, string target, long timestamp, byte[]? nonce = null, string? sendTarget = null)
    {
        nonce ??= RandomNumberGenerator.GetBytes(16);
        var signature = key.Sign(RequestSignature.Message(method.Method, target, drop.ToString(), timestamp, nonce, []));
        using var request = new HttpRequestMessage(method, sendTarget ?? target);
        request.Headers.Add(RequestSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(RequestSignature.NonceHeader, Base64Url.EncodeToString(nonce));
        request.Headers.Add(RequestSignature.SignatureHeader, Base64Url.EncodeToString(signature));
        return await SendAsync(relay, request);
    }

    internal static async Task<(int Status, string Error)> SendAsync(TestRelay relay, HttpRequestMessage request)
    {
        using var response = await relay.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        int status = (int)response.StatusCode;
        if (status < 400)
        {
            return (status, "");
        }

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return (status, JsonDocument.Parse(text).RootElement.GetProperty("error").GetString()!);
    }
}
