using System.Security.Cryptography;
using Courier.Node.Cells;
using Courier.Relay.Client;

namespace Courier.Node.Relay;

/// <summary>
/// The node's relay interface over a relay's HTTP API (<see cref="RelayClient"/>): a transport failure
/// is a <see cref="RelayUnreachableException"/>, an unknown or full nameplate an
/// <see cref="InvitationUnavailableException"/>, any other refusal a <see cref="RelayRejectedException"/>.
/// As a cell's <see cref="IDropTransport"/> it passes the client's own exceptions through, so that
/// <see cref="Outbox"/> can tell transient failures from refusals.
/// </summary>
public sealed class HttpRelay : IRelay, IDropTransport, IDisposable
{
    private readonly HttpClient _http;
    private readonly RelayClient _client;

    /// <summary>A relay at <paramref name="address"/>, such as <c>http://127.0.0.1:7700/</c>.</summary>
    public HttpRelay(Uri address)
    {
        ArgumentNullException.ThrowIfNull(address);
        Address = address.GetLeftPart(UriPartial.Authority) + "/";
        _http = new HttpClient { BaseAddress = new Uri(Address), Timeout = TimeSpan.FromSeconds(90) };
        _client = new RelayClient(_http);
    }

    /// <inheritdoc/>
    public string Address { get; }

    /// <inheritdoc/>
    public Task<int> AllocateNameplateAsync(CancellationToken cancellationToken)
        => CallAsync(async () => (await _client.AllocateNameplateAsync(cancellationToken).ConfigureAwait(false)).Number, nameplate: true);

    /// <inheritdoc/>
    public Task<long> PostAsync(int nameplate, ReadOnlyMemory<byte> envelope, Guid messageId, CancellationToken cancellationToken)
        => CallAsync(async () => (await _client.AppendToNameplateAsync(nameplate, envelope, Id(messageId), cancellationToken).ConfigureAwait(false)).Seq, nameplate: true);

    /// <inheritdoc/>
    public Task<IReadOnlyList<RelayEnvelope>> ReadAsync(int nameplate, long after, TimeSpan wait, CancellationToken cancellationToken)
        => CallAsync(async () => Envelopes(await _client.FetchNameplateAsync(nameplate, after, wait, cancellationToken).ConfigureAwait(false)), nameplate: true);

    /// <inheritdoc/>
    public Task ReleaseAsync(int nameplate, CancellationToken cancellationToken)
        => CallAsync(async () =>
        {
            await _client.ReleaseNameplateAsync(nameplate, cancellationToken).ConfigureAwait(false);
            return true;
        }, nameplate: true);

    /// <inheritdoc/>
    public Task CreateAsync(ReadOnlyMemory<byte> name, DeadDropReadKey readKey, CancellationToken cancellationToken)
        => WithReadKeyAsync(readKey, key => _client.CreateDropAsync(DropName.FromBytes(name.Span), key, cancellationToken));

    /// <inheritdoc/>
    public Task<long> AppendAsync(ReadOnlyMemory<byte> name, ReadOnlyMemory<byte> envelope, Guid messageId, CancellationToken cancellationToken)
        => CallAsync(async () => (await _client.AppendAsync(DropName.FromBytes(name.Span), envelope, Id(messageId), cancellationToken).ConfigureAwait(false)).Seq, nameplate: false);

    /// <inheritdoc/>
    public Task<IReadOnlyList<RelayEnvelope>> FetchAsync(ReadOnlyMemory<byte> name, DeadDropReadKey readKey, long after, TimeSpan wait, CancellationToken cancellationToken)
        => WithReadKeyAsync(readKey, async key => Envelopes(await _client.FetchAsync(DropName.FromBytes(name.Span), key, after, wait, 256, cancellationToken).ConfigureAwait(false)));

    /// <inheritdoc/>
    public Task TrimAsync(ReadOnlyMemory<byte> name, DeadDropReadKey readKey, long through, CancellationToken cancellationToken)
        => WithReadKeyAsync(readKey, async key =>
        {
            await _client.TrimAsync(DropName.FromBytes(name.Span), key, through, cancellationToken).ConfigureAwait(false);
            return true;
        });

    /// <inheritdoc/>
    Task IDropTransport.CreateDropAsync(DropName drop, DropReadKey readKey, CancellationToken cancellationToken)
        => _client.CreateDropAsync(drop, readKey, cancellationToken);

    /// <inheritdoc/>
    Task<AppendReceipt> IDropTransport.AppendAsync(DropName drop, ReadOnlyMemory<byte> envelope, MessageId messageId, CancellationToken cancellationToken)
        => _client.AppendAsync(drop, envelope, messageId, cancellationToken);

    /// <inheritdoc/>
    Task<FetchResult> IDropTransport.FetchAsync(DropName drop, DropReadKey readKey, long after, TimeSpan wait, CancellationToken cancellationToken)
        => _client.FetchAsync(drop, readKey, after, wait, 256, cancellationToken);

    /// <inheritdoc/>
    public void Dispose() => _http.Dispose();

    private static MessageId Id(Guid messageId) => MessageId.FromBytes(messageId.ToByteArray());

    private static IReadOnlyList<RelayEnvelope> Envelopes(FetchResult result) => result.Envelopes.Select(e => new RelayEnvelope(e.Seq, e.Data)).ToList();

    /// <summary>The relay client signs with its own key type: the node's seed is copied in and wiped.</summary>
    private Task<T> WithReadKeyAsync<T>(DeadDropReadKey readKey, Func<DropReadKey, Task<T>> call)
    {
        ArgumentNullException.ThrowIfNull(readKey);
        var seed = readKey.ExportSeed();
        try
        {
            var key = DropReadKey.Import(seed);
            return CallAsync(async () =>
            {
                using (key)
                {
                    return await call(key).ConfigureAwait(false);
                }
            }, nameplate: false);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    private Task<T> CallAsync<T>(Func<Task<T>> call, bool nameplate) => CallAsync(Address, call, nameplate);

    /// <summary>
    /// Runs a call of the relay client at <paramref name="address"/> and turns its failures into the
    /// node's: no connection, a timeout, 429 or 5xx (what <see cref="Outbox"/> retries) is
    /// <see cref="RelayUnreachableException"/>; an unknown nameplate <see cref="InvitationUnavailableException"/>;
    /// any other refusal <see cref="RelayRejectedException"/>. Cells use it around their retried calls.
    /// </summary>
    internal static async Task<T> CallAsync<T>(string address, Func<Task<T>> call, bool nameplate = false)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception e) when (Outbox.IsTransient(e))
        {
            throw new RelayUnreachableException($"The relay at {address} cannot be reached or is unavailable ({e.Message}).", e);
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
