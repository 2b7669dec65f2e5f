using System.Buffers.Text;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Courier.Relay.Client;

/// <summary>
/// Typed client of one relay's HTTP API (docs/relay-api.md). Appends to a drop created with an
/// append key are signed with its <see cref="DropAppendKey"/>; fetch and trim are signed with the
/// drop's <see cref="DropReadKey"/>.
/// Failures the relay reports raise <see cref="RelayRequestException"/>; transport failures raise
/// <see cref="HttpRequestException"/> and may be retried with the same <see cref="MessageId"/>.
/// </summary>
public sealed class RelayClient
{
    /// <summary>The longest long-poll a relay allows.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(60);

    private static readonly MediaTypeHeaderValue OctetStream = new("application/octet-stream");
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly HttpClient _http;
    private readonly TimeProvider _time;

    /// <summary>A client sending to <paramref name="http"/>'s base address.</summary>
    /// <param name="http">Its <see cref="HttpClient.BaseAddress"/> is the relay's URL; its timeout must exceed the longest wait used.</param>
    /// <param name="time">The clock for request timestamps (the system clock by default).</param>
    public RelayClient(HttpClient http, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.BaseAddress is null)
        {
            throw new ArgumentException("The HttpClient needs a BaseAddress (the relay's URL).", nameof(http));
        }

        _http = http;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>
    /// Creates a drop readable by <paramref name="readKey"/> to which only holders of
    /// <paramref name="appendKey"/> may append (anyone, when it is null: a drop as before write
    /// authorization). Creating it again with the same keys is a no-op.
    /// </summary>
    /// <returns>True when the drop was created now, false when it existed with these keys.</returns>
    public async Task<bool> CreateDropAsync(DropName drop, DropReadKey readKey, DropAppendKey? appendKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(readKey);
        var publicAppendKey = appendKey is null ? null : Base64Url.EncodeToString(appendKey.PublicKey);
        var body = JsonSerializer.SerializeToUtf8Bytes(new CreateDropRequest(drop.ToString(), Base64Url.EncodeToString(readKey.PublicKey), publicAppendKey), WireJson.Default.CreateDropRequest);
        using var request = Signed(HttpMethod.Post, "/v1/drops", drop, readKey, body, Json);
        var answer = await SendAsync(request, WireJson.Default.CreateDropResponse, cancellationToken).ConfigureAwait(false);
        return answer.Created;
    }

    /// <summary>Appends one envelope; returns once the relay has stored it durably.</summary>
    /// <param name="drop">The drop.</param>
    /// <param name="appendKey">The drop's append key; null for a drop created without one.</param>
    /// <param name="envelope">Exactly one of <see cref="EnvelopeSizes.All"/> bytes long.</param>
    /// <param name="messageId">Reuse the same id when retrying, so the envelope is stored once.</param>
    /// <param name="cancellationToken">Cancels the wait (the append may still have happened).</param>
    public async Task<AppendReceipt> AppendAsync(DropName drop, DropAppendKey? appendKey, ReadOnlyMemory<byte> envelope, MessageId messageId, CancellationToken cancellationToken = default)
    {
        var target = $"/v1/drops/{drop}/envelopes";
        using var request = new HttpRequestMessage(HttpMethod.Post, target);
        if (appendKey is not null)
        {
            var (timestamp, nonce) = Fresh();
            AddSignature(request, timestamp, nonce, appendKey.Sign(RequestSignature.AppendMessage(target, drop.ToString(), timestamp, nonce, messageId.ToString(), envelope.Span)));
        }

        return await AppendToAsync(request, envelope, messageId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Fetches the envelopes after <paramref name="after"/>, waiting up to <paramref name="wait"/> for one to arrive.</summary>
    public Task<FetchResult> FetchAsync(DropName drop, DropReadKey readKey, long after, TimeSpan wait = default, int limit = 64, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(readKey);
        var target = $"/v1/drops/{drop}/envelopes?after={after.ToString(CultureInfo.InvariantCulture)}&limit={limit.ToString(CultureInfo.InvariantCulture)}&wait={WaitSeconds(wait)}";
        var request = Signed(HttpMethod.Get, target, drop, readKey, [], null);
        return FetchCoreAsync(request, cancellationToken);
    }

    /// <summary>Deletes the envelopes up to and including <paramref name="through"/>.</summary>
    public async Task TrimAsync(DropName drop, DropReadKey readKey, long through, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(readKey);
        var body = JsonSerializer.SerializeToUtf8Bytes(new TrimRequest(through), WireJson.Default.TrimRequest);
        using var request = Signed(HttpMethod.Post, $"/v1/drops/{drop}/trim", drop, readKey, body, Json);
        await SendAsync(request, WireJson.Default.TrimResponse, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Allocates a rendezvous nameplate for first contact; the claim returned is the inviter's.</summary>
    public async Task<NameplateClaim> AllocateNameplateAsync(CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/nameplates");
        var answer = await SendAsync(request, WireJson.Default.NameplateResponse, cancellationToken).ConfigureAwait(false);
        return Claim(answer.Nameplate, answer.Claim, isInviter: true);
    }

    /// <summary>Joins nameplate <paramref name="nameplate"/> as its acceptor. Only the first join succeeds (<c>409 nameplate_taken</c> after).</summary>
    public async Task<NameplateClaim> JoinNameplateAsync(int nameplate, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{NameplatePath(nameplate)}/join");
        var answer = await SendAsync(request, WireJson.Default.JoinResponse, cancellationToken).ConfigureAwait(false);
        return Claim(answer.Nameplate, answer.Claim, isInviter: false);
    }

    /// <summary>Posts an envelope (1 or 4 KiB) as the claim's side of the nameplate.</summary>
    public async Task<AppendReceipt> AppendToNameplateAsync(NameplateClaim claim, ReadOnlyMemory<byte> envelope, MessageId messageId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{NameplatePath(claim.Number)}/envelopes");
        request.Headers.Add(RequestSignature.NameplateClaimHeader, claim.Claim);
        return await AppendToAsync(request, envelope, messageId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the other side's envelopes after <paramref name="after"/>, waiting up to <paramref name="wait"/>.</summary>
    public async Task<NameplateFetchResult> FetchNameplateAsync(NameplateClaim claim, long after, TimeSpan wait = default, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{NameplatePath(claim.Number)}/envelopes?after={after.ToString(CultureInfo.InvariantCulture)}&wait={WaitSeconds(wait)}");
        request.Headers.Add(RequestSignature.NameplateClaimHeader, claim.Claim);
        var answer = await SendAsync(request, WireJson.Default.NameplateFetchResponse, cancellationToken).ConfigureAwait(false);
        return new NameplateFetchResult(answer.Envelopes.Select(e => new FetchedEnvelope(e.Seq, e.Data)).ToList(), answer.Last, answer.Interfered);
    }

    /// <summary>Releases a nameplate once first contact is done (the inviter's claim only); both sides' envelopes are deleted.</summary>
    public async Task ReleaseNameplateAsync(NameplateClaim claim, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        using var request = new HttpRequestMessage(HttpMethod.Delete, NameplatePath(claim.Number));
        request.Headers.Add(RequestSignature.NameplateClaimHeader, claim.Claim);
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw await ErrorAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Hands the relay a bundle (docs/bundles.md): it appends the envelopes sealed to it to their drops,
    /// each once, and refuses the whole bundle if anything in it does not verify.
    /// </summary>
    public async Task<Bundles.BundleImportResult> ImportBundleAsync(ReadOnlyMemory<byte> bundle, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/bundles") { Content = new ReadOnlyMemoryContent(bundle) };
        request.Content.Headers.ContentType = OctetStream;
        return await SendAsync(request, WireJson.Default.BundleImportResult, cancellationToken).ConfigureAwait(false);
    }

    private static string NameplatePath(int nameplate) => "/v1/nameplates/" + nameplate.ToString(CultureInfo.InvariantCulture);

    private static NameplateClaim Claim(int number, string claim, bool isInviter)
    {
        try
        {
            return new NameplateClaim(number, claim, isInviter);
        }
        catch (ArgumentException e)
        {
            throw new HttpRequestException("The relay answered with a malformed nameplate claim.", e);
        }
    }

    private static string WaitSeconds(TimeSpan wait)
    {
        if (wait < TimeSpan.Zero || wait > MaxWait)
        {
            throw new ArgumentOutOfRangeException(nameof(wait), "A wait is between 0 and 60 seconds.");
        }

        return ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
    }

    private async Task<AppendReceipt> AppendToAsync(HttpRequestMessage request, ReadOnlyMemory<byte> envelope, MessageId messageId, CancellationToken cancellationToken)
    {
        request.Headers.Add(RequestSignature.MessageIdHeader, messageId.ToString());
        request.Content = new ReadOnlyMemoryContent(envelope);
        request.Content.Headers.ContentType = OctetStream;
        var answer = await SendAsync(request, WireJson.Default.AppendResponse, cancellationToken).ConfigureAwait(false);
        return new AppendReceipt(answer.Seq, answer.Duplicate);
    }

    private async Task<FetchResult> FetchCoreAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            var answer = await SendAsync(request, WireJson.Default.FetchResponse, cancellationToken).ConfigureAwait(false);
            var envelopes = answer.Envelopes.Select(e => new FetchedEnvelope(e.Seq, e.Data)).ToList();
            return new FetchResult(envelopes, answer.Last);
        }
    }

    private HttpRequestMessage Signed(HttpMethod method, string target, DropName drop, DropReadKey key, byte[] body, MediaTypeHeaderValue? contentType)
    {
        var (timestamp, nonce) = Fresh();
        var request = new HttpRequestMessage(method, target);
        AddSignature(request, timestamp, nonce, key.Sign(RequestSignature.Message(method.Method, target, drop.ToString(), timestamp, nonce, body)));
        if (contentType is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = contentType;
        }

        return request;
    }

    private (long Timestamp, byte[] Nonce) Fresh() => (_time.GetUtcNow().ToUnixTimeSeconds(), RandomNumberGenerator.GetBytes(RequestSignature.NonceSize));

    private static void AddSignature(HttpRequestMessage request, long timestamp, byte[] nonce, byte[] signature)
    {
        request.Headers.Add(RequestSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(RequestSignature.NonceHeader, Base64Url.EncodeToString(nonce));
        request.Headers.Add(RequestSignature.SignatureHeader, Base64Url.EncodeToString(signature));
    }

    private async Task<T> SendAsync<T>(HttpRequestMessage request, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw await ErrorAsync(response, cancellationToken).ConfigureAwait(false);
        }

        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            return await JsonSerializer.DeserializeAsync(stream, type, cancellationToken).ConfigureAwait(false)
                   ?? throw new HttpRequestException("The relay answered with an empty body.");
        }
    }

    private static async Task<RelayRequestException> ErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        int status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var error = JsonSerializer.Deserialize(text, WireJson.Default.ErrorResponse);
            if (error is not null)
            {
                return new RelayRequestException(status, error.Error, error.Message);
            }
        }
        catch (JsonException)
        {
            // Not one of the relay's error bodies (a proxy in between, say): report the raw status.
        }

        return new RelayRequestException(status, "http_" + status.ToString(CultureInfo.InvariantCulture), response.ReasonPhrase ?? string.Empty);
    }
}
