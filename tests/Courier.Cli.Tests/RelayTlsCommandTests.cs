using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Courier.Relay.Client;

namespace Courier.Cli.Tests;

/// <summary><c>courier relay serve</c> over TLS and nodes given its pinned address (docs/tls.md), as processes.</summary>
public sealed class RelayTlsCommandTests : IDisposable
{
    private readonly CourierCli _cli = new();

    [Fact]
    public async Task A_self_signed_relay_keeps_its_pin_across_restarts_and_first_contact_goes_through_it()
    {
        string[] args = ["--listen", $"127.0.0.1:{RelayProcess.FreePort()}", "--data", Home("relay"), "--tls"];
        Uri first;
        using (var relay = await RelayProcess.StartAsync(args))
        {
            first = relay.Address;
            Assert.Matches("^https://127\\.0\\.0\\.1:[0-9]+/#sha256=[A-Za-z0-9_-]{43}$", first.ToString());
            foreach (var home in new[] { "a", "b" })
            {
                await CourierCli.RunOkAsync("init", "--home", Home(home));
            }

            var (atA, atB) = await _cli.FirstContactAsync(first.ToString(), "a", "Starik", "b", "Alyosha", null);
            Assert.Equal(atA, atB);
            var contact = Assert.Single((await CourierCli.RunOkAsync("contact", "list", "--json", "--home", Home("a"))).Json().EnumerateArray());
            Assert.Equal(first.ToString(), contact.GetProperty("relay").GetString());
            relay.Kill();
        }

        using var restarted = await RelayProcess.StartAsync(args);
        Assert.Equal(first, restarted.Address);
        Assert.Equal(first.Fragment, restarted.Address.Fragment);
    }

    [Fact]
    public async Task A_relay_given_a_certificate_serves_it_and_prints_its_pin()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = new CertificateRequest("CN=relay.example", key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        Directory.CreateDirectory(Home("tls"));
        var (certificateFile, keyFile) = (Path.Combine(Home("tls"), "cert.pem"), Path.Combine(Home("tls"), "key.pem"));
        await File.WriteAllTextAsync(certificateFile, certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(keyFile, key.ExportPkcs8PrivateKeyPem());

        using var relay = await RelayProcess.StartAsync("--listen", $"127.0.0.1:{RelayProcess.FreePort()}", "--data", Home("relay"), "--tls-cert", certificateFile, "--tls-key", keyFile);
        Assert.Equal("#sha256=" + RelayPin.Of(certificate), relay.Address.Fragment);
        await CourierCli.RunOkAsync("init", "--home", Home("a"));
        using var invite = (await _cli.StartInviteAsync(relay.Address.ToString(), "a", null, null)).Invite;
        invite.Kill(entireProcessTree: true);
    }

    [Fact]
    public async Task A_wrong_pin_fails_with_relay_pin_mismatch_and_exit_1()
    {
        using var relay = await RelayProcess.StartAsync("--listen", $"127.0.0.1:{RelayProcess.FreePort()}", "--data", Home("relay"), "--tls");
        var pin = relay.Address.Fragment["#sha256=".Length..];
        var wrong = relay.Address.GetLeftPart(UriPartial.Authority) + "/#sha256=" + (pin[0] == 'A' ? 'B' : 'A') + pin[1..];
        await CourierCli.RunOkAsync("init", "--home", Home("a"));
        var result = await CourierCli.RunAsync("contact", "invite", "--home", Home("a"), "--relay", wrong);
        Assert.Equal(1, result.Exit);
        var line = Assert.Single(result.Err.Trim().Split('\n'));
        Assert.StartsWith("error (relay_pin_mismatch): ", line, StringComparison.Ordinal);
        Assert.Contains("intercepting", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://relay.example:7700", "plain HTTP to another machine")]
    [InlineData("http://192.0.2.7:7700", "plain HTTP to another machine")]
    [InlineData("https://relay.example:7700/#sha256=tooshort", "43-character pin")]
    [InlineData("https://relay.example:7700/#fingerprint", "43-character pin")]
    [InlineData("http://127.0.0.1:7700/#sha256=_qikSQSF9OfEs2UEPEnasRTBjiMfbMGJMjNbiKv8Cb4", "goes with an https address")]
    public async Task Relay_addresses_are_checked_where_they_are_given(string address, string reason)
    {
        await CourierCli.RunOkAsync("init", "--home", Home("a"));
        foreach (string[] command in new[] { new[] { "layer", "create", "north" }, ["contact", "invite"], ["contact", "accept", "12-a-b-c"] })
        {
            var result = await CourierCli.RunAsync([.. command, "--home", Home("a"), "--relay", address], CourierCli.Passphrase);
            Assert.Equal(2, result.Exit);
            Assert.Contains(reason, result.Err, StringComparison.Ordinal);
        }

        Assert.Equal("[]", (await CourierCli.RunOkAsync("layer", "list", "--json", "--home", Home("a"))).Out.Trim());
    }

    [Theory]
    [InlineData("not a loopback address", "--listen", "0.0.0.0:0", "--store", "nats", "--nats", "nats://127.0.0.1:1")]
    [InlineData("not a loopback address", "--listen", "[::]:0", "--store", "nats", "--nats", "nats://127.0.0.1:1")]
    [InlineData("cannot go with", "--listen", "127.0.0.1:0", "--data", "DATA", "--tls", "--insecure-http")]
    [InlineData("go together", "--listen", "127.0.0.1:0", "--data", "DATA", "--tls-cert", "cert.pem")]
    [InlineData("--tls needs a certificate", "--listen", "127.0.0.1:0", "--store", "nats", "--nats", "nats://127.0.0.1:1", "--tls")]
    [InlineData("--trusted-proxy wants an IP address", "--listen", "127.0.0.1:0", "--data", "DATA", "--trusted-proxy", "proxy.example")]
    public async Task The_relay_refuses_to_serve_without_TLS_off_loopback_and_other_contradictions(string reason, params string[] args)
    {
        var result = await CourierCli.RunAsync(["relay", "serve", .. args.Select(a => a == "DATA" ? Home("relay") : a)], CourierCli.Passphrase);
        Assert.Equal(2, result.Exit);
        Assert.Contains(reason, result.Err, StringComparison.Ordinal);
        Assert.DoesNotContain(result.Out.Split('\n'), line => line.StartsWith("listening on ", StringComparison.Ordinal));
    }

    public void Dispose() => _cli.Dispose();

    private string Home(string name) => _cli.Home(name);
}
