using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Courier.Node.Relay;
using Courier.Relay.Client;

namespace Courier.Node.Tests.Relay;

/// <summary>How a node reaches a relay over HTTP(S): the address forms it keeps and the certificate pin (docs/tls.md).</summary>
public sealed class HttpRelayTests
{
    private const string Pin = "_qikSQSF9OfEs2UEPEnasRTBjiMfbMGJMjNbiKv8Cb4";

    [Theory]
    [InlineData("https://relay.example:7700/#sha256=" + Pin, "https://relay.example:7700/#sha256=" + Pin)]
    [InlineData("https://relay.example:7700/v1/ignored?x=1#sha256=" + Pin, "https://relay.example:7700/#sha256=" + Pin)]
    [InlineData("https://relay.example", "https://relay.example/")]
    [InlineData("http://127.0.0.1:7700", "http://127.0.0.1:7700/")]
    public void The_recorded_address_is_scheme_host_port_and_the_pin(string given, string recorded)
        => Assert.Equal(recorded, HttpRelay.AddressOf(new Uri(given)));

    [Theory]
    [InlineData("https://relay.example:7700/#sha256=short")]
    [InlineData("https://relay.example:7700/#sha256=" + Pin + "A")]
    [InlineData("https://relay.example:7700/#sha512=" + Pin)]
    [InlineData("https://relay.example:7700/#" + Pin)]
    [InlineData("https://relay.example:7700/#sha256=_qikSQSF9OfEs2UEPEnasRTBjiMfbMGJMjNbiKv8Cb5")]
    [InlineData("http://127.0.0.1:7700/#sha256=" + Pin)]
    [InlineData("ftp://relay.example/")]
    public void A_fragment_that_is_not_a_pin_or_a_pin_without_https_is_refused(string given)
        => Assert.Throws<ArgumentException>(() => HttpRelay.AddressOf(new Uri(given)));

    [Fact]
    public void Plain_HTTP_to_another_machine_is_refused_unless_allowed()
    {
        Assert.Throws<InsecureRelayAddressException>(() => new HttpRelay(new Uri("http://relay.example:7700/")));
        Assert.Throws<InsecureRelayAddressException>(() => new HttpRelay(new Uri("http://192.0.2.7:7700/")));
        using var allowed = new HttpRelay(new Uri("http://relay.example:7700/"), allowInsecureHttp: true);
        using var loopback = new HttpRelay(new Uri("http://localhost:7700/"));
        using var pinned = new HttpRelay(new Uri("https://relay.example:7700/#sha256=" + Pin));
        Assert.EndsWith("#sha256=" + Pin, pinned.Address, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_refuses_a_relay_whose_certificate_is_not_the_pinned_one_once_and_does_not_retry()
    {
        using var server = new TlsServer();
        using var other = SelfSigned();
        var wrongPin = RelayPin.Of(other);
        using var home = new TempHome();
        using var node = CourierNode.Init(home.Path, "correct horse", new NodeOptions { Kdf = TempHome.FastKdf });
        var address = new Uri($"https://127.0.0.1:{server.Port}/#sha256={wrongPin}");

        var error = await Assert.ThrowsAsync<RelayPinMismatchException>(() => node.InviteAsync(address));
        Assert.Equal("relay_pin_mismatch", error.ErrorCode);
        Assert.Contains("does not match the pinned one", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, server.Requests);
        // One handshake: the mismatch ends the operation instead of being retried as an unreachable relay.
        Assert.Equal(1, server.Handshakes);
    }

    [Fact]
    public async Task The_pinned_certificate_is_accepted_although_it_is_self_signed_and_names_no_host()
    {
        using var server = new TlsServer();
        using var relay = new HttpRelay(new Uri($"https://127.0.0.1:{server.Port}/#sha256={RelayPin.Of(server.Certificate)}"));
        // The stand-in answers every request with 503: the request got through TLS to it.
        await Assert.ThrowsAsync<RelayUnreachableException>(() => relay.AllocateNameplateAsync(CancellationToken.None));
        Assert.Equal(1, server.Requests);
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=not-the-relay", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>A TLS listener on loopback with a self-signed certificate that counts handshakes and answers any request 503.</summary>
    private sealed class TlsServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private int _handshakes;
        private int _requests;

        public TlsServer()
        {
            Certificate = SelfSigned();
            _listener.Start();
            _ = AcceptAsync();
        }

        public X509Certificate2 Certificate { get; }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public int Handshakes => Volatile.Read(ref _handshakes);

        public int Requests => Volatile.Read(ref _requests);

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            Certificate.Dispose();
            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }

                _ = ServeAsync(client);
            }
        }

        private async Task ServeAsync(TcpClient client)
        {
            using (client)
            {
                Interlocked.Increment(ref _handshakes);
                try
                {
                    await using var tls = new SslStream(client.GetStream());
                    await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = Certificate }, _stop.Token);
                    var buffer = new byte[4096];
                    if (await tls.ReadAsync(buffer, _stop.Token) > 0)
                    {
                        Interlocked.Increment(ref _requests);
                        await tls.WriteAsync("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray(), _stop.Token);
                    }
                }
                catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException)
                {
                    // The client walked away (as it does on a pin mismatch).
                }
            }
        }
    }
}
