using System.CommandLine;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Courier.Relay;
using NATS.Client.Core;

namespace Courier.Cli.Commands;

/// <summary>
/// The transport-security options of <c>courier relay serve</c> (docs/tls.md): HTTPS for anything
/// that leaves the machine, trusted proxies, TLS to NATS.
/// </summary>
internal sealed class TlsOptions
{
    public Option<FileInfo?> CertificateFile { get; } = new("--tls-cert") { Description = "The HTTPS certificate (PEM). With --tls-key.", HelpName = "file" };

    public Option<FileInfo?> KeyFile { get; } = new("--tls-key") { Description = "The certificate's private key (PEM). With --tls-cert.", HelpName = "file" };

    public Option<bool> Tls { get; } = new("--tls") { Description = "Serve HTTPS also on a loopback address: with --tls-cert/--tls-key, or a self-signed certificate kept in --data. (Off loopback HTTPS is the default.)" };

    public Option<bool> InsecureHttp { get; } = new("--insecure-http") { Description = "Serve plain HTTP on an address that is not loopback. Anyone on the path then reads drop names and can claim message ids in flight: only behind a TLS-terminating proxy on a trusted network." };

    public Option<IPAddress[]> TrustedProxies { get; } = new("--trusted-proxy")
    {
        Description = "A proxy whose X-Forwarded-For names the client for per-address limits (repeat for several). From other peers the header is ignored.",
        HelpName = "ip",
        CustomParser = result => result.Tokens.Select(t => IPAddress.TryParse(t.Value, out var address) ? address : Error(result, t.Value)).OfType<IPAddress>().ToArray(),
    };

    public Option<FileInfo?> NatsCa { get; } = new("--nats-tls-ca") { Description = "CA certificate (PEM) that the NATS servers' certificates must chain to; requires TLS to NATS.", HelpName = "file" };

    public Option<FileInfo?> NatsCertificate { get; } = new("--nats-tls-cert") { Description = "Client certificate (PEM) for NATS servers that verify clients; with --nats-tls-key.", HelpName = "file" };

    public Option<FileInfo?> NatsKey { get; } = new("--nats-tls-key") { Description = "The NATS client certificate's private key (PEM).", HelpName = "file" };

    public void AddTo(Command command)
    {
        foreach (Option option in new Option[] { CertificateFile, KeyFile, Tls, InsecureHttp, TrustedProxies, NatsCa, NatsCertificate, NatsKey })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>What is wrong with the combination given, or null.</summary>
    public string? Validate(ParseResult parse, IPEndPoint listen, DirectoryInfo? data)
    {
        bool hasCertificate = parse.GetValue(CertificateFile) is not null;
        if (hasCertificate != (parse.GetValue(KeyFile) is not null))
        {
            return "--tls-cert and --tls-key go together.";
        }

        if ((parse.GetValue(NatsCertificate) is not null) != (parse.GetValue(NatsKey) is not null))
        {
            return "--nats-tls-cert and --nats-tls-key go together.";
        }

        if (parse.GetValue(InsecureHttp) && (hasCertificate || parse.GetValue(Tls)))
        {
            return "--insecure-http serves plain HTTP: it cannot go with --tls, --tls-cert or --tls-key.";
        }

        if (WantsTls(parse, listen) && !hasCertificate && data is null)
        {
            return IPAddress.IsLoopback(listen.Address)
                ? "--tls needs a certificate: --tls-cert and --tls-key, or --data <dir> to keep a self-signed one in."
                : $"{listen} is not a loopback address, so the relay serves HTTPS and needs a certificate: --tls-cert and --tls-key, or --data <dir> to keep a self-signed one in (or, behind a TLS-terminating proxy only, --insecure-http).";
        }

        return null;
    }

    /// <summary>The certificate to serve, or null for plain HTTP (loopback, or --insecure-http).</summary>
    /// <exception cref="ArgumentException">The certificate files cannot be used.</exception>
    public X509Certificate2? Certificate(ParseResult parse, IPEndPoint listen, DirectoryInfo? data)
    {
        if (parse.GetValue(CertificateFile) is { } certificate)
        {
            return RelayCertificate.Load(certificate.FullName, parse.GetValue(KeyFile)!.FullName);
        }

        return WantsTls(parse, listen) ? RelayCertificate.LoadOrCreateSelfSigned(data!.FullName) : null;
    }

    /// <summary>TLS to NATS when any --nats-tls-* option is given (then required), or null for NATS.Net's default (TLS for tls:// URLs).</summary>
    public NatsTlsOpts? Nats(ParseResult parse)
    {
        var (ca, certificate, key) = (parse.GetValue(NatsCa), parse.GetValue(NatsCertificate), parse.GetValue(NatsKey));
        return ca is null && certificate is null
            ? null
            : new NatsTlsOpts { Mode = TlsMode.Require, CaFile = ca?.FullName, CertFile = certificate?.FullName, KeyFile = key?.FullName };
    }

    /// <summary>The lines a relay prints before it is ready: its pin and the address to give nodes.</summary>
    public static async Task PrintAsync(RelayHost host, RelayOptions options)
    {
        var authority = host.Address.GetLeftPart(UriPartial.Authority);
        bool anyAddress = options.Listen.Address.Equals(IPAddress.Any) || options.Listen.Address.Equals(IPAddress.IPv6Any);
        if (anyAddress)
        {
            authority = $"{host.Address.Scheme}://HOST:{host.Address.Port}";
        }

        if (host.Pin is { } pin)
        {
            await Console.Out.WriteLineAsync($"certificate pin: sha256={pin} (SHA-256 of its public key, base64url)").ConfigureAwait(false);
        }
        else if (!IPAddress.IsLoopback(options.Listen.Address))
        {
            await Console.Error.WriteLineAsync("warning: serving plain HTTP off loopback (--insecure-http): drop names and message ids cross the network in the clear.").ConfigureAwait(false);
        }

        var forNodes = host.Pin is { } p ? $"{authority}/#{Courier.Relay.Client.RelayPin.FragmentPrefix}{p}" : authority + "/";
        await Console.Out.WriteLineAsync($"address for nodes: {forNodes}").ConfigureAwait(false);
        if (anyAddress)
        {
            await Console.Out.WriteLineAsync("(HOST: this machine's name or address as the nodes reach it)").ConfigureAwait(false);
        }
    }

    private static IPAddress? Error(System.CommandLine.Parsing.ArgumentResult result, string text)
    {
        result.AddError($"--trusted-proxy wants an IP address, such as 10.0.0.5 or fd00::5 (got '{text}').");
        return null;
    }

    private bool WantsTls(ParseResult parse, IPEndPoint listen)
        => parse.GetValue(CertificateFile) is not null || parse.GetValue(Tls) || (!IPAddress.IsLoopback(listen.Address) && !parse.GetValue(InsecureHttp));
}
