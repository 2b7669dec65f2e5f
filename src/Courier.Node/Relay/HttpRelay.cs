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

    private readonly HttpClient _http;
    private readonly RelayClient _client;

    /// <summary>A relay at <paramref name="address"/>, such as <c>http://127.0.0.1:7700/</c>.</summary>
    public HttpRelay(Uri address)
    {
        ArgumentNullException.ThrowIfNull(address);
        Address = AddressOf(address);
        _http = new HttpClient { BaseAddress = new Uri(Address), Timeout = TimeSpan.FromSeconds(90) };
        _client = new RelayClient(_http);
    }

    /// <inheritdoc/>
    public string Address { get; }

    /// <summary>The form in which the node records a relay's address: scheme, host and port, with a final slash.</summary>
    public static string AddressOf(Uri address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.GetLeftPart(UriPartial.Authority) + "/";
    }

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

    /// <inheritdoc/>
    public Task CreateDropAsync(DropName drop, DropReadKey readKey, CancellationToken cancellationToken)
        => CallAsync(() => _client.CreateDropAsync(drop, readKey, cancellationToken), nameplate: false);

    /// <inheritdoc/>
    public Task<long> AppendAsync(DropName drop, ReadOnlyMemory<byte> envelope, MessageId messageId, CancellationToken cancellationToken)
        => CallAsync(async () => (await _client.AppendAsync(drop, envelope, messageId, cancellationToken).ConfigureAwait(false)).Seq, nameplate: false);

    /// <inheritdoc/>
    public Task<IReadOnlyList<FetchedEnvelope>> FetchAsync(DropName drop, DropReadKey readKey, long after, TimeSpan wait, CancellationToken cancellationToken)
        => CallAsync(async () => (await _client.FetchAsync(drop, readKey, after, wait, FetchLimit, cancellationToken).ConfigureAwait(false)).Envelopes, nameplate: false);

    /// <inheritdoc/>
    public Task TrimAsync(DropName drop, DropReadKey readKey, long through, CancellationToken cancellationToken)
        => CallAsync(async () =>
        {
            await _client.TrimAsync(drop, readKey, through, cancellationToken).ConfigureAwait(false);
            return true;
        }, nameplate: false);

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
            throw new RelayRejectedException($"The relay refused the request ({e.Status} {e.Error}).", e);
        }
    }
}
