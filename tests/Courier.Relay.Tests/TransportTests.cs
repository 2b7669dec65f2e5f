using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Courier.Relay.Client;
using Courier.Relay.Storage.Memory;
using Courier.Relay.Storage.Nats;

namespace Courier.Relay.Tests;

/// <summary>What a relay on the open internet needs of its transport (docs/tls.md): TLS, plain HTTP only on loopback, trusted proxies, per-/64 limits.</summary>
public sealed class TransportTests
{
    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("192.0.2.7")]
    public async Task Plain_HTTP_off_loopback_is_refused_before_listening(string address)
    {
        await using var store = new InMemoryDropStore();
        var options = new RelayOptions { Listen = new IPEndPoint(IPAddress.Parse(address), 0) };
        var error = await Assert.ThrowsAsync<ArgumentException>(() => RelayHost.StartAsync(options, store));
        Assert.Contains("not a loopback address", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plain_HTTP_is_served_on_loopback_and_off_loopback_only_when_allowed_explicitly()
    {
        await using (var loopback = await RelayHost.StartAsync(new RelayOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0) }, new InMemoryDropStore(), Quiet))
        {
            Assert.Equal("http", loopback.Address.Scheme);
            Assert.Null(loopback.Pin);
        }

        await using var allowed = await RelayHost.StartAsync(new RelayOptions { Listen = new IPEndPoint(IPAddress.Any, 0), AllowInsecureHttp = true }, new InMemoryDropStore(), Quiet);
        Assert.Equal("http", allowed.Address.Scheme);
    }

    [Fact]
    public void The_self_signed_certificate_is_P256_its_key_is_owner_only_and_its_pin_survives_restarts()
    {
        using var dir = new TempDirectory();
        using var first = RelayCertificate.LoadOrCreateSelfSigned(dir.Path);
        using var key = first.GetECDsaPublicKey();
        Assert.Equal(256, key!.KeySize);
        Assert.True(first.HasPrivateKey);
        var keyFile = Path.Combine(dir.Path, RelayCertificate.KeyFileName);
        Assert.True(OperatingSystem.IsWindows() || File.GetUnixFileMode(keyFile) == (UnixFileMode.UserRead | UnixFileMode.UserWrite));

        using var again = RelayCertificate.LoadOrCreateSelfSigned(dir.Path);
        Assert.Equal(first.Thumbprint, again.Thumbprint);

        // The key is the identity: a lost certificate is made again with the same pin.
        File.Delete(Path.Combine(dir.Path, RelayCertificate.CertificateFileName));
        using var remade = RelayCertificate.LoadOrCreateSelfSigned(dir.Path);
        Assert.Equal(RelayPin.Of(first).ToString(), RelayPin.Of(remade).ToString());

        using var otherDir = new TempDirectory();
        using var other = RelayCertificate.LoadOrCreateSelfSigned(otherDir.Path);
        Assert.NotEqual(RelayPin.Of(first).ToString(), RelayPin.Of(other).ToString());
    }

    [Fact]
    public async Task With_a_certificate_the_relay_serves_TLS_1_3_only_and_healthz_reports_its_pin_and_store()
    {
        using var dir = new TempDirectory();
        using var certificate = RelayCertificate.LoadOrCreateSelfSigned(dir.Path);
        var pin = RelayPin.Of(certificate);
        await using var host = await RelayHost.StartAsync(new RelayOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0), Certificate = certificate }, new InMemoryDropStore(), Quiet);
        Assert.Equal("https", host.Address.Scheme);
        Assert.Equal(pin.ToString(), host.Pin!.ToString());

        using var http = PinnedClient(host.Address, pin, SslProtocols.Tls13 | SslProtocols.Tls12);
        var health = JsonDocument.Parse(await http.GetStringAsync("/healthz")).RootElement;
        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.Equal("memory", health.GetProperty("store").GetString());
        Assert.Equal("tls1.3", health.GetProperty("tls").GetString());
        Assert.Equal(pin.ToString(), health.GetProperty("pin").GetString());

        using var old = PinnedClient(host.Address, pin, SslProtocols.Tls12);
        await Assert.ThrowsAsync<HttpRequestException>(() => old.GetStringAsync("/healthz"));
    }

    [Fact]
    public async Task Healthz_of_a_plain_relay_says_tls_is_off()
    {
        await using var relay = await TestRelay.StartAsync();
        var health = JsonDocument.Parse(await relay.Http.GetStringAsync("/healthz")).RootElement;
        Assert.Equal("off", health.GetProperty("tls").GetString());
        Assert.Equal(JsonValueKind.Null, health.GetProperty("pin").ValueKind);
    }

    [NatsFact]
    public async Task Healthz_answers_503_store_unavailable_when_the_store_does_not_answer_and_metrics_still_answer()
    {
        using var nats = await NatsServer.StartAsync(1);
        await using var relay = await TestRelay.StartAsync(store: _ => NatsDropStore.ConnectAsync(nats.Urls, replicas: 1).GetAwaiter().GetResult());
        Assert.Equal("ok", JsonDocument.Parse(await relay.Http.GetStringAsync("/healthz")).RootElement.GetProperty("status").GetString());

        nats.Kill(0);
        using var response = await relay.Http.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var health = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("store_unavailable", health.GetProperty("status").GetString());
        Assert.Equal("nats", health.GetProperty("store").GetString());

        // The relay's own counters stay readable; only the gauge that asks the store is left out.
        var metrics = await relay.Http.GetStringAsync("/metrics");
        Assert.Contains("courier_relay_requests_total{route=\"healthz\",status=\"503\"} 1", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("courier_relay_drops", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task X_Forwarded_For_from_a_peer_that_is_not_a_trusted_proxy_is_ignored()
    {
        await using var relay = await TestRelay.StartAsync(configure: o => Limited(o, [IPAddress.Parse("10.0.0.1")]));
        Assert.Equal(HttpStatusCode.Created, await AllocateAsync(relay.Http, "203.0.113.1"));
        // Another forwarded address does not buy a fresh limit: the peer's own address counts.
        Assert.Equal(HttpStatusCode.TooManyRequests, await AllocateAsync(relay.Http, "203.0.113.2"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await AllocateAsync(relay.Http, null));
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_each_forwarded_client_has_its_own_limit_and_an_IPv6_client_one_per_64()
    {
        await using var relay = await TestRelay.StartAsync(configure: o => Limited(o, [IPAddress.Loopback]));
        Assert.Equal(HttpStatusCode.Created, await AllocateAsync(relay.Http, "203.0.113.1"));
        Assert.Equal(HttpStatusCode.Created, await AllocateAsync(relay.Http, "203.0.113.2"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await AllocateAsync(relay.Http, "203.0.113.1"));
        // Only the entry the proxy added counts, not what the client claimed before it.
        Assert.Equal(HttpStatusCode.TooManyRequests, await AllocateAsync(relay.Http, "198.51.100.9, 203.0.113.2"));

        Assert.Equal(HttpStatusCode.Created, await AllocateAsync(relay.Http, "2001:db8:1:2::1"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await AllocateAsync(relay.Http, "2001:db8:1:2:ffff:ffff:ffff:fffe"));
        Assert.Equal(HttpStatusCode.Created, await AllocateAsync(relay.Http, "2001:db8:1:3::1"));
    }

    [Theory]
    [InlineData("198.51.100.7", "198.51.100.7")]
    [InlineData("::ffff:198.51.100.7", "198.51.100.7")]
    [InlineData("2001:db8:aa:bb:1:2:3:4", "2001:db8:aa:bb::")]
    [InlineData("2001:db8:aa:bb::", "2001:db8:aa:bb::")]
    public void Limits_count_an_IPv4_address_as_it_is_and_an_IPv6_address_by_its_64(string address, string key)
        => Assert.Equal(IPAddress.Parse(key), ClientAddress.LimitKey(IPAddress.Parse(address)));

    private static void Quiet(Microsoft.Extensions.Logging.ILoggingBuilder logging)
    {
    }

    private static RelayOptions Limited(RelayOptions o, IReadOnlyList<IPAddress> proxies)
        => new() { Listen = o.Listen, Time = o.Time, RequestsPerSecondPerClient = 0, NameplateAllocationsPerMinute = 1, TrustedProxies = proxies };

    private static async Task<HttpStatusCode> AllocateAsync(HttpClient http, string? forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/nameplates");
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    private static HttpClient PinnedClient(Uri address, RelayPin pin, SslProtocols protocols)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                EnabledSslProtocols = protocols,
                RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is X509Certificate2 c && pin.Matches(c),
            },
        };
        return new HttpClient(handler) { BaseAddress = address };
    }
}
