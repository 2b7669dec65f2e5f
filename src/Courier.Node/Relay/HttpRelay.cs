using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Courier.Relay.Client;

namespace Courier.Node.Relay;

/// <summary>
/// <see cref="IRelay"/> over a relay's HTTP API (<see cref="RelayClient"/>), and the one place
/// where the relay client's failures become the node's (<see cref="CallAsync{T}"/>).
/// </summary>
public sealed class HttpRelay : IRelay, IDisposable
{
    /// <summary>The most envelopes one fetch asks for.</summary>
    public const int FetchLimit = 256;

    /// <summary>The largest answer read: a full fetch (about 1 MiB of envelopes, base64 in JSON) fits with room to spare.</summary>
    private const int MaxResponseBytes = 8 * 1024 * 1024;

    private readonly HttpClient _http;
    private readonly RelayClient _client;

    /// <summary>A relay at <paramref name="address"/>, such as <c>https://relay.example:7700/#sha256=&lt;pin&gt;</c> or <c>http://127.0.0.1:7700/</c>.</summary>
    /// <param name="address">An https address, pinned or checked against the system's CAs; or http to this machine.</param>
    /// <param name="allowInsecureHttp">Allow http to other machines too.</param>
    /// <exception cref="ArgumentException">The address is not an http(s) URL, or its fragment is not a pin.</exception>
    /// <param name="bind">The local address connections leave from (port chosen by the system); null lets the system choose.</param>
    /// <exception cref="InsecureRelayAddressException">http to another machine without <paramref name="allowInsecureHttp"/>.</exception>
    public HttpRelay(Uri address, bool allowInsecureHttp = false, IPAddress? bind = null)
        : this(AddressOf(address), DirectHandler(address, allowInsecureHttp, bind))
    {
    }

    /// <summary>A relay at <paramref name="address"/> (as <see cref="AddressOf"/> writes it) whose requests go through <paramref name="handler"/> (the mix's, say), which the relay owns.</summary>
    internal HttpRelay(string address, HttpMessageHandler handler)
    {
        Address = address;
        _http = new HttpClient(handler) { BaseAddress = new Uri(new Uri(address).GetLeftPart(UriPartial.Authority) + "/"), Timeout = TimeSpan.FromSeconds(90), MaxResponseContentBufferSize = MaxResponseBytes };
        _client = new RelayClient(_http);
    }

    /// <summary>The connections to the relay at <paramref name="address"/>: TLS checked against its pin, from <paramref name="bind"/>.</summary>
    /// <exception cref="InsecureRelayAddressException">http to another machine without <paramref name="allowInsecureHttp"/>.</exception>
    internal static SocketsHttpHandler DirectHandler(Uri address, bool allowInsecureHttp, IPAddress? bind)
    {
        var uri = new Uri(AddressOf(address));
        if (uri.Scheme == Uri.UriSchemeHttp && !uri.IsLoopback && !allowInsecureHttp)
        {
            throw new InsecureRelayAddressException($"The relay address {AddressOf(address)} is plain HTTP to another machine, where anyone on the way reads drop names and can claim messages in flight. Use the https address (with #sha256=<pin>) the relay prints.");
        }

        var pin = RelayPin.FromAddress(uri);
        return new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                RemoteCertificateValidationCallback = pin is null ? null : (_, certificate, _, _) => MatchesPin(pin, certificate),
            },
            ConnectCallback = bind is null ? null : SourceAddress.ConnectFrom(bind),
        };
    }

    /// <inheritdoc/>
    public string Address { get; }

    /// <summary>
    /// The form in which the node records a relay's address: scheme, host and port, with a final
    /// slash, and the pin when there is one (<c>#sha256=&lt;pin&gt;</c>, docs/tls.md).
    /// </summary>
    /// <exception cref="ArgumentException">Not an http(s) URL, or a fragment that is not a pin, or a pin on an http address.</exception>
    public static string AddressOf(Uri address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (!address.IsAbsoluteUri || address.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException("A relay address is an http or https URL.", nameof(address));
        }

        var authority = address.GetLeftPart(UriPartial.Authority) + "/";
        if (address.Fragment.Length == 0)
        {
            return authority;
        }

        if (address.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException("A certificate pin (#sha256=...) goes with an https address.", nameof(address));
        }

        return authority + "#" + RelayPin.FragmentPrefix + (RelayPin.FromAddress(address) ?? throw new ArgumentException($"A relay address ends, if at all, in #{RelayPin.FragmentPrefix} and the relay's 43-character pin (docs/tls.md).", nameof(address)));
    }

    /// <summary>A pinned certificate is accepted on its pin alone (a self-signed one has chain and name errors); a mismatch ends the handshake with <see cref="PinMismatch"/>.</summary>
    private static bool MatchesPin(RelayPin pin, X509Certificate? certificate)
        => pin.MatchesPresented(certificate) ? true : throw new PinMismatch();

    /// <inheritdoc/>
    public Task<NameplateClaim> AllocateNameplateAsync(CancellationToken cancellationToken)
        => CallAsync(() => _client.AllocateNameplateAsync(cancellationToken), nameplate: true);

    /// <inheritdoc/>
    public Task<NameplateClaim> JoinNameplateAsync(int nameplate, CancellationToken cancellationToken)
        => CallAsync(() => _client.JoinNameplateAsync(nameplate, cancellationToken), nameplate: true);

    /// <inheritdoc/>
    public Task<long> PostAsync(NameplateClaim nameplate, ReadOnlyMemory<byte> envelope, MessageId messageId, CancellationToken cancellationToken)
        => CallAsync(async () => (await _client.AppendToNameplateAsync(nameplate, envelope, messageId, cancellationToken).ConfigureAwait(false)).Seq, nameplate: true);

    /// <inheritdoc/>
    public Task<NameplateFetchResult> ReadAsync(NameplateClaim nameplate, long after, TimeSpan wait, CancellationToken cancellationToken)
        => CallAsync(() => _client.FetchNameplateAsync(nameplate, after, wait, cancellationToken), nameplate: true);

    /// <inheritdoc/>
    public Task ReleaseAsync(NameplateClaim nameplate, CancellationToken cancellationToken)
        => CallAsync(async () =>
        {
            await _client.ReleaseNameplateAsync(nameplate, cancellationToken).ConfigureAwait(false);
            return true;
        }, nameplate: true);

    /// <summary>
    /// Hands the relay a bundle (<c>POST /v1/bundles</c>, docs/bundles.md): it appends the envelopes
    /// sealed to it, each once, or refuses the whole bundle (<see cref="RelayRejectedException"/>).
    /// </summary>
    public Task<Courier.Relay.Client.Bundles.BundleImportResult> ImportBundleAsync(ReadOnlyMemory<byte> bundle, CancellationToken cancellationToken)
        => CallAsync(() => _client.ImportBundleAsync(bundle, cancellationToken), nameplate: false);

    /// <inheritdoc/>
    public Task CreateDropAsync(DropName drop, DropReadKey readKey, DropAppendKey appendKey, CancellationToken cancellationToken)
        => CallAsync(() => _client.CreateDropAsync(drop, readKey, appendKey, cancellationToken), nameplate: false);

    /// <inheritdoc/>
    public Task<long> AppendAsync(DropName drop, DropAppendKey appendKey, ReadOnlyMemory<byte> envelope, MessageId messageId, CancellationToken cancellationToken)
        => CallAsync(async () => (await _client.AppendAsync(drop, appendKey, envelope, messageId, cancellationToken).ConfigureAwait(false)).Seq, nameplate: false);

    /// <inheritdoc/>
    public Task<FetchResult> FetchAsync(DropName drop, DropReadKey readKey, long after, TimeSpan wait, CancellationToken cancellationToken)
        => CallAsync(() => _client.FetchAsync(drop, readKey, after, wait, FetchLimit, cancellationToken), nameplate: false);

    /// <inheritdoc/>
    public void Dispose() => _http.Dispose();

    /// <inheritdoc/>
    public override string ToString() => $"HttpRelay({Address})";

    /// <summary>
    /// Runs one call of the relay client and turns its failures into the node's: no connection, a
    /// timeout, 429 or 5xx is <see cref="RelayUnreachableException"/> (what callers retry); an unknown
    /// nameplate <see cref="InvitationUnavailableException"/>; a nameplate someone else joined
    /// <see cref="InterferenceException"/>; any other refusal <see cref="RelayRejectedException"/>.
    /// </summary>
    private async Task<T> CallAsync<T>(Func<Task<T>> call, bool nameplate)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ConfigurationLimitExceeded)
        {
            throw new RelayMisbehavedException($"The relay at {Address} sent an answer larger than {MaxResponseBytes / (1024 * 1024)} MiB: it is faulty or hostile, and its answer was not used.", e);
        }
        catch (HttpRequestException e) when (IsPinMismatch(e))
        {
            throw new RelayPinMismatchException($"The relay at {Address} presented a certificate that does not match the pinned one. This can mean someone is intercepting the connection (or the relay's key was replaced): nothing was sent. Check the pin with the relay's operator.", e);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException { InnerException: TimeoutException } or RelayRequestException { Status: 429 or >= 500 })
        {
            throw new RelayUnreachableException($"The relay at {Address} cannot be reached or is unavailable ({e.Message}).", e);
        }
        catch (RelayRequestException e) when (nameplate && e.Error == "nameplate_taken")
        {
            throw new InterferenceException("Someone else answered this invitation first: a third party knows its number. Nothing was stored; ask for a new invitation, shared privately.", e);
        }
        catch (RelayRequestException e) when (nameplate && e.Status is 404 or 409 or 410)
        {
            throw new InvitationUnavailableException("No such invitation: the code is mistyped, expired, already used or burned. Ask for a new one.", e);
        }
        catch (RelayRequestException e)
        {
            throw new RelayRejectedException($"The relay refused the request ({e.Status} {e.Error}).", e.Error, e);
        }
    }

    private static bool IsPinMismatch(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is PinMismatch)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Thrown out of the TLS handshake when the relay's certificate is not the pinned one.</summary>
    private sealed class PinMismatch() : Exception("the relay's certificate does not match the pin");
}
