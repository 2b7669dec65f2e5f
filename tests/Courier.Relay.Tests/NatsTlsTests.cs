using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Courier.Relay.Client;
using Courier.Relay.Storage;
using Courier.Relay.Storage.Nats;
using NATS.Client.Core;

namespace Courier.Relay.Tests;

/// <summary>The NATS store over TLS to a nats-server whose certificate a test CA issued (docs/tls.md).</summary>
public sealed class NatsTlsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [NatsFact]
    public async Task The_store_connects_over_TLS_with_the_CA_it_is_given_and_not_without_it()
    {
        var (caFile, certificateFile, keyFile) = IssueServerCertificate();
        var requireWithCa = new NatsTlsOpts { Mode = TlsMode.Require, CaFile = caFile };
        using var server = await NatsServer.StartAsync(1, $$"""tls { cert_file: "{{certificateFile}}", key_file: "{{keyFile}}" }""", requireWithCa);

        await using (var store = await NatsDropStore.ConnectAsync(server.Urls, replicas: 1, tls: requireWithCa))
        {
            var drop = DropName.NewRandom();
            await store.CreateDropAsync(drop, DropReadKey.Create().PublicKey, default);
            Assert.Equal(new AppendOutcome(AppendStatus.Appended, 1), await store.AppendAsync(drop, MessageId.NewRandom(), new byte[EnvelopeSizes.Small], 10, default));
        }

        // courier relay serve passes --nats-tls-ca on.
        using (var relay = await RelayProcess.StartAsync("--listen", $"127.0.0.1:{RelayProcess.FreePort()}", "--store", "nats", "--nats", server.Urls, "--replicas", "1", "--allow-single-replica", "--nats-tls-ca", caFile))
        using (var http = new HttpClient { BaseAddress = relay.Address })
        {
            Assert.Contains("\"status\":\"ok\"", await http.GetStringAsync("/healthz"), StringComparison.Ordinal);
        }

        // The server's certificate does not chain to the system's CAs: without the CA file the connection is refused.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var refused = await Assert.ThrowsAsync<NatsException>(() => NatsDropStore.ConnectAsync(server.Urls, replicas: 1, cancellationToken: timeout.Token, tls: new NatsTlsOpts { Mode = TlsMode.Require }));
        Assert.IsType<System.Security.Authentication.AuthenticationException>(refused.InnerException?.InnerException);
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>A CA, and a certificate for 127.0.0.1 it issued; PEM files.</summary>
    private (string Ca, string Certificate, string Key) IssueServerCertificate()
    {
        var now = DateTimeOffset.UtcNow;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=courier test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(2));

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var certificate = request.Create(ca, now.AddHours(-1), now.AddDays(1), RandomNumberGenerator.GetBytes(12));

        var files = (Path.Combine(_dir.Path, "ca.pem"), Path.Combine(_dir.Path, "server.pem"), Path.Combine(_dir.Path, "server-key.pem"));
        File.WriteAllText(files.Item1, ca.ExportCertificatePem());
        File.WriteAllText(files.Item2, certificate.ExportCertificatePem());
        File.WriteAllText(files.Item3, key.ExportPkcs8PrivateKeyPem());
        return files;
    }
}
