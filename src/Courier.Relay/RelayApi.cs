using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Courier.Relay.Client;
using Courier.Relay.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Primitives;

namespace Courier.Relay;

/// <summary>
/// The HTTP endpoints (docs/relay-api.md). Every input is parsed here and refused with a precise
/// status and error code before the store sees it.
/// </summary>
internal sealed partial class RelayApi(IDropStore store, RelayOptions options, RelayMetrics metrics, RequestRate requestRate, IHostApplicationLifetime lifetime)
{
    public const string DropPolicy = "drops";
    public const string NameplatePolicy = "nameplates";
    public const string JoinPolicy = "nameplate_joins";
    private const int MaxJsonBody = 4096;
    private const int MaxNameplateRange = 99_999;
    private const int ClaimSize = 32;
    private readonly LongPolls _longPolls = new(options);

    public void Map(IEndpointRouteBuilder app)
    {
        app.MapMethods("/v1/drops", ["POST"], CreateDropAsync).WithDisplayName("create_drop").RequireRateLimiting(DropPolicy);
        app.MapMethods("/v1/drops/{drop}/envelopes", ["POST"], ctx => AppendAsync(ctx, nameplate: false)).WithDisplayName("append");
        app.MapMethods("/v1/drops/{drop}/envelopes", ["GET"], ctx => FetchAsync(ctx, nameplate: false)).WithDisplayName("fetch");
        app.MapMethods("/v1/drops/{drop}/trim", ["POST"], TrimAsync).WithDisplayName("trim");
        app.MapMethods("/v1/nameplates", ["POST"], AllocateNameplateAsync).WithDisplayName("allocate_nameplate").RequireRateLimiting(NameplatePolicy);
        app.MapMethods("/v1/nameplates/{nameplate}/join", ["POST"], JoinNameplateAsync).WithDisplayName("join_nameplate").RequireRateLimiting(JoinPolicy);
        app.MapMethods("/v1/nameplates/{nameplate}/envelopes", ["POST"], ctx => AppendAsync(ctx, nameplate: true)).WithDisplayName("nameplate_append");
        app.MapMethods("/v1/nameplates/{nameplate}/envelopes", ["GET"], ctx => FetchAsync(ctx, nameplate: true)).WithDisplayName("nameplate_fetch");
        app.MapMethods("/v1/nameplates/{nameplate}", ["DELETE"], ReleaseNameplateAsync).WithDisplayName("release_nameplate");
        app.MapMethods("/healthz", ["GET"], HealthAsync).WithDisplayName("healthz");
        app.MapMethods("/metrics", ["GET"], MetricsAsync).WithDisplayName("metrics");
        MapMix(app);
    }

    private async Task CreateDropAsync(HttpContext ctx)
    {
        var body = await RequestBody.ReadAsync(ctx, MaxJsonBody, "application/json").ConfigureAwait(false);
        var request = RequestBody.ParseJson(body, WireJson.Default.CreateDropRequest);
        if (!DropName.TryParse(request.Drop, out var drop))
        {
            throw RelayProblem.BadRequest("bad_drop_name", "drop must be 32 bytes in unpadded base64url");
        }

        var key = new byte[DropSigningKey.Size];
        if (!WireBase64.TryDecode(request.ReadKey, key) || !RequestSignature.IsValidPublicKey(key))
        {
            throw RelayProblem.BadRequest("bad_read_key", "readKey must be a 32-byte Ed25519 public key in unpadded base64url");
        }

        var appendKey = new byte[request.AppendKey is null ? 0 : DropSigningKey.Size];
        if (request.AppendKey is not null && (!WireBase64.TryDecode(request.AppendKey, appendKey) || !RequestSignature.IsValidPublicKey(appendKey)))
        {
            throw RelayProblem.BadRequest("bad_append_key", "appendKey must be a 32-byte Ed25519 public key in unpadded base64url");
        }

        // Proof of possession: the creator signs with the read key it registers. The nonce goes into
        // the drop's replay window only once the drop is known to be this key's, so a stranger's key
        // cannot fill the window of someone else's drop.
        var signed = Verify(ctx, drop, key, body);
        var outcome = await store.CreateDropAsync(drop, DropState.Encode(key, appendKey), ctx.RequestAborted).ConfigureAwait(false);
        if (outcome != CreateDropOutcome.Conflict)
        {
            await RememberAsync(ctx, drop, signed).ConfigureAwait(false);
        }

        if (outcome == CreateDropOutcome.Exists)
        {
            await store.TouchDropAsync(drop, ctx.RequestAborted).ConfigureAwait(false);
        }

        switch (outcome)
        {
            case CreateDropOutcome.Created:
                await WriteJsonAsync(ctx, 201, new CreateDropResponse(drop.ToString(), true), WireJson.Default.CreateDropResponse).ConfigureAwait(false);
                break;
            case CreateDropOutcome.Exists:
                await WriteJsonAsync(ctx, 200, new CreateDropResponse(drop.ToString(), false), WireJson.Default.CreateDropResponse).ConfigureAwait(false);
                break;
            default:
                throw new RelayProblem(409, "drop_exists", "the drop exists with other keys");
        }
    }

    private async Task AppendAsync(HttpContext ctx, bool nameplate)
    {
        // On a nameplate a side appends to its own drop only.
        var drop = nameplate ? (await NameplateSideAsync(ctx).ConfigureAwait(false)).Own : RouteDrop(ctx);
        var idHeader = SingleHeader(ctx, RequestSignature.MessageIdHeader)
                       ?? throw RelayProblem.BadRequest("missing_message_id", "the Courier-Message-Id header is required");
        if (!MessageId.TryParse(idHeader, out var messageId))
        {
            throw RelayProblem.BadRequest("bad_message_id", "Courier-Message-Id must be 16 bytes in unpadded base64url");
        }

        // Nothing is buffered before the size is known to be allowed and the drop to exist (a nameplate
        // side was found above).
        RequestBody.CheckHeaders(ctx, EnvelopeSizes.Max, "application/octet-stream");
        if (ctx.Request.ContentLength is { } declared)
        {
            RequestBody.CheckEnvelopeSize((int)declared, nameplate);
        }

        // A nameplate's drop has no keys (and a bare null in a conditional here would become an empty
        // ReadOnlyMemory through byte[]'s implicit conversion).
        ReadOnlyMemory<byte>? keys = null;
        if (!nameplate)
        {
            keys = await store.GetDropKeysAsync(drop, ctx.RequestAborted).ConfigureAwait(false) ?? throw NoSuchDrop();
        }
        var envelope = await RequestBody.ReadAsync(ctx, EnvelopeSizes.Max, "application/octet-stream").ConfigureAwait(false);
        RequestBody.CheckEnvelopeSize(envelope.Length, nameplate);
        if (keys is { } stored)
        {
            // Only an authorized append marks the drop in use: a stranger cannot keep it from expiring.
            AuthorizeAppend(ctx, drop, DropState.AppendKeyOf(stored), messageId, envelope);
            await TouchAsync(ctx, drop).ConfigureAwait(false);
        }

        var started = Stopwatch.GetTimestamp();
        int max = nameplate ? options.NameplateEnvelopesPerSide : options.MaxEnvelopesPerDrop;
        var outcome = await store.AppendAsync(drop, messageId, envelope, max, ctx.RequestAborted).ConfigureAwait(false);
        switch (outcome.Status)
        {
            case AppendStatus.Appended:
            case AppendStatus.Duplicate:
                bool duplicate = outcome.Status == AppendStatus.Duplicate;
                metrics.Append(Stopwatch.GetElapsedTime(started), duplicate);
                await WriteJsonAsync(ctx, duplicate ? 200 : 201, new AppendResponse(outcome.Seq, duplicate), WireJson.Default.AppendResponse).ConfigureAwait(false);
                break;
            case AppendStatus.NoSuchDrop:
                throw nameplate ? NoSuchNameplate() : NoSuchDrop();
            default:
                throw nameplate
                    ? new RelayProblem(409, "nameplate_full", "this side of the nameplate posted its messages already")
                    : new RelayProblem(409, "drop_full", "the drop holds its maximum number of envelopes; the reader must trim");
        }
    }

    private async Task FetchAsync(HttpContext ctx, bool nameplate)
    {
        var query = ParseQuery(ctx, nameplate ? ["after", "wait"] : ["after", "limit", "wait"]);
        long after = query.GetValueOrDefault("after", 0);
        long limit = query.GetValueOrDefault("limit", 64);
        long wait = query.GetValueOrDefault("wait", 0);
        if (limit < 1 || limit > options.MaxFetchEnvelopes)
        {
            throw RelayProblem.BadRequest("out_of_range", $"limit must be between 1 and {options.MaxFetchEnvelopes}");
        }

        if (wait > (long)RelayClient.MaxWait.TotalSeconds)
        {
            throw RelayProblem.BadRequest("out_of_range", "wait must be between 0 and 60 seconds");
        }

        var body = await RequestBody.ReadAsync(ctx, 0, null).ConfigureAwait(false);
        DropName drop;
        DropState state;
        NameplateSide? side = null;
        if (nameplate)
        {
            // A side reads the other side's drop.
            side = await NameplateSideAsync(ctx).ConfigureAwait(false);
            drop = side.Other;
            state = await store.GetDropAsync(drop, ctx.RequestAborted).ConfigureAwait(false) ?? throw NoSuchNameplate();
        }
        else
        {
            drop = RouteDrop(ctx);
            state = await KeyedDropAsync(ctx, drop).ConfigureAwait(false);
            await AuthenticateAsync(ctx, drop, state.ReadKey, body).ConfigureAwait(false);
            await TouchAsync(ctx, drop).ConfigureAwait(false);
        }

        if (after > state.LastSeq)
        {
            throw RelayProblem.BadRequest("out_of_range", "after is beyond the last sequence number of the drop");
        }

        int maxCount = (int)limit;
        int maxBytes = ctx.Items[FetchBytesItem] as int? ?? options.MaxFetchBytes;
        var envelopes = await store.ReadAsync(drop, after, maxCount, maxBytes, ctx.RequestAborted).ConfigureAwait(false);
        long last = state.LastSeq;
        bool waited = envelopes.Count == 0 && wait > 0;
        if (waited)
        {
            using (_longPolls.Enter(ctx))
            {
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, lifetime.ApplicationStopping);
                await store.WaitForAppendAsync(drop, after, TimeSpan.FromSeconds(wait), stop.Token).ConfigureAwait(false);
                ctx.RequestAborted.ThrowIfCancellationRequested();
            }

            envelopes = await store.ReadAsync(drop, after, maxCount, maxBytes, ctx.RequestAborted).ConfigureAwait(false);
            last = (await store.GetDropAsync(drop, ctx.RequestAborted).ConfigureAwait(false))?.LastSeq ?? last;
        }

        if (envelopes.Count > 0)
        {
            last = Math.Max(last, envelopes[^1].Seq);
        }

        metrics.Fetched(envelopes.Count);
        var dtos = envelopes.Select(e => new EnvelopeDto(e.Seq, e.Data)).ToList();
        if (side is null)
        {
            await WriteJsonAsync(ctx, 200, new FetchResponse(dtos, last), WireJson.Default.FetchResponse).ConfigureAwait(false);
            return;
        }

        // After a long-poll interference is read again, so a side learns of a refused join as soon as it can.
        bool interfered = waited
            ? (await store.GetNameplateAsync(side.Number, ctx.RequestAborted).ConfigureAwait(false))?.Interfered ?? side.Interfered
            : side.Interfered;
        await WriteJsonAsync(ctx, 200, new NameplateFetchResponse(dtos, last, interfered), WireJson.Default.NameplateFetchResponse).ConfigureAwait(false);
    }

    private async Task TrimAsync(HttpContext ctx)
    {
        var drop = RouteDrop(ctx);
        var body = await RequestBody.ReadAsync(ctx, MaxJsonBody, "application/json").ConfigureAwait(false);
        var state = await KeyedDropAsync(ctx, drop).ConfigureAwait(false);
        if (!state.AppendKey.IsEmpty)
        {
            // Every reader of a write-authorized drop (a cell's members) holds the read key: none may
            // erase what the others have not read. Its envelopes leave by retention.
            throw new RelayProblem(403, "trim_not_allowed", "a drop created with an append key is never trimmed; its envelopes expire by retention");
        }

        await AuthenticateAsync(ctx, drop, state.ReadKey, body).ConfigureAwait(false);
        var request = RequestBody.ParseJson(body, WireJson.Default.TrimRequest);
        if (request.Through < 0 || request.Through > state.LastSeq)
        {
            throw RelayProblem.BadRequest("out_of_range", "through must be between 0 and the last sequence number of the drop");
        }

        await TouchAsync(ctx, drop).ConfigureAwait(false);
        await store.TrimAsync(drop, request.Through, ctx.RequestAborted).ConfigureAwait(false);
        await WriteJsonAsync(ctx, 200, new TrimResponse(request.Through), WireJson.Default.TrimResponse).ConfigureAwait(false);
    }

    private async Task AllocateNameplateAsync(HttpContext ctx)
    {
        await RequestBody.ReadAsync(ctx, 0, null).ConfigureAwait(false);
        var expires = options.Time.GetUtcNow() + options.NameplateLifetime;
        var claim = RandomNumberGenerator.GetBytes(ClaimSize);
        var nameplate = new NameplateState(DropName.NewRandom(), DropName.NewRandom(), SHA256.HashData(claim), ReadOnlyMemory<byte>.Empty, Interfered: false);
        // Short numbers first; widen the range only when the short ones are busy.
        for (int attempt = 0; attempt < 40; attempt++)
        {
            int range = attempt < 10 ? 999 : attempt < 20 ? 9_999 : MaxNameplateRange;
            int number = Random.Shared.Next(1, range + 1);
            if (await store.TryClaimNameplateAsync(number, nameplate, expires, ctx.RequestAborted).ConfigureAwait(false))
            {
                var answer = new NameplateResponse(number, expires.ToUnixTimeSeconds(), Base64Url.EncodeToString(claim));
                await WriteJsonAsync(ctx, 201, answer, WireJson.Default.NameplateResponse).ConfigureAwait(false);
                return;
            }
        }

        throw new RelayProblem(409, "nameplates_exhausted", "no free nameplate was found; try again later");
    }

    private async Task JoinNameplateAsync(HttpContext ctx)
    {
        int number = RouteNameplate(ctx);
        await RequestBody.ReadAsync(ctx, 0, null).ConfigureAwait(false);
        var claim = RandomNumberGenerator.GetBytes(ClaimSize);
        switch (await store.TryJoinNameplateAsync(number, SHA256.HashData(claim), ctx.RequestAborted).ConfigureAwait(false))
        {
            case JoinOutcome.Joined:
                await WriteJsonAsync(ctx, 201, new JoinResponse(number, Base64Url.EncodeToString(claim)), WireJson.Default.JoinResponse).ConfigureAwait(false);
                break;
            case JoinOutcome.Taken:
                throw new RelayProblem(409, "nameplate_taken", "someone else joined this nameplate first: its first contact was interfered with");
            default:
                throw NoSuchNameplate();
        }
    }

    private async Task ReleaseNameplateAsync(HttpContext ctx)
    {
        await RequestBody.ReadAsync(ctx, 0, null).ConfigureAwait(false);
        var side = await NameplateSideAsync(ctx).ConfigureAwait(false);
        if (!side.IsInviter)
        {
            throw new RelayProblem(403, "bad_claim", "only the inviter's claim releases a nameplate");
        }

        if (!await store.ReleaseNameplateAsync(side.Number, ctx.RequestAborted).ConfigureAwait(false))
        {
            throw NoSuchNameplate();
        }

        ctx.Response.StatusCode = 204;
    }

    private async Task HealthAsync(HttpContext ctx)
    {
        var pin = options.Certificate is { } certificate ? RelayPin.Of(certificate).ToString() : null;
        bool storeOk;
        try
        {
            // A store that is down may wait for it to come back (NATS reconnects): health answers anyway.
            await store.GetDropAsync(DropName.NewRandom(), ctx.RequestAborted).WaitAsync(TimeSpan.FromSeconds(5), ctx.RequestAborted).ConfigureAwait(false);
            storeOk = true;
        }
        catch (Exception) when (!ctx.RequestAborted.IsCancellationRequested)
        {
            storeOk = false;
        }

        var health = new HealthResponse(storeOk ? "ok" : "store_unavailable", store.Kind, pin is null ? "off" : "tls1.3", pin);
        await WriteJsonAsync(ctx, storeOk ? 200 : 503, health, WireJson.Default.HealthResponse).ConfigureAwait(false);
    }

    private async Task MetricsAsync(HttpContext ctx)
    {
        // The counters are the relay's own: an operator needs them most while the store is down, so
        // only the drop gauge, which asks the store, is left out then.
        long? drops;
        try
        {
            drops = await store.CountDropsAsync(ctx.RequestAborted).WaitAsync(TimeSpan.FromSeconds(5), ctx.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception) when (!ctx.RequestAborted.IsCancellationRequested)
        {
            drops = null;
        }

        ctx.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        await ctx.Response.WriteAsync(metrics.Render(store.Kind, drops), ctx.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Marks a keyed drop in use, so it is not deleted as idle; 404 when it is gone.</summary>
    private async Task TouchAsync(HttpContext ctx, DropName drop)
    {
        if (!await store.TouchDropAsync(drop, ctx.RequestAborted).ConfigureAwait(false))
        {
            throw NoSuchDrop();
        }
    }

    private async Task<DropState> KeyedDropAsync(HttpContext ctx, DropName drop)
    {
        var state = await store.GetDropAsync(drop, ctx.RequestAborted).ConfigureAwait(false);
        return state is null || state.IsOpen ? throw NoSuchDrop() : state;
    }

    /// <summary>The live nameplate of the route and the side whose claim the request carries (401 without one, 403 with another).</summary>
    private async Task<NameplateSide> NameplateSideAsync(HttpContext ctx)
    {
        int number = RouteNameplate(ctx);
        var text = SingleHeader(ctx, RequestSignature.NameplateClaimHeader)
                   ?? throw new RelayProblem(401, "unauthenticated", "nameplate requests carry the claim the relay gave at allocation or join (Courier-Nameplate-Claim)");
        var claim = new byte[ClaimSize];
        bool wellFormed = WireBase64.TryDecode(text, claim);
        var nameplate = await store.GetNameplateAsync(number, ctx.RequestAborted).ConfigureAwait(false) ?? throw NoSuchNameplate();
        var hash = SHA256.HashData(claim);
        if (wellFormed && CryptographicOperations.FixedTimeEquals(hash, nameplate.InviterClaim.Span))
        {
            return new NameplateSide(number, nameplate.InviterSlot, nameplate.AcceptorSlot, IsInviter: true, nameplate.Interfered);
        }

        if (wellFormed && nameplate.AcceptorClaim.Length == hash.Length && CryptographicOperations.FixedTimeEquals(hash, nameplate.AcceptorClaim.Span))
        {
            return new NameplateSide(number, nameplate.AcceptorSlot, nameplate.InviterSlot, IsInviter: false, nameplate.Interfered);
        }

        throw new RelayProblem(403, "bad_claim", "this is not a claim of this nameplate");
    }

    private static DropName RouteDrop(HttpContext ctx)
    {
        var text = ctx.Request.RouteValues["drop"] as string;
        return DropName.TryParse(text, out var drop) ? drop : throw RelayProblem.BadRequest("bad_drop_name", "the drop name must be 32 bytes in unpadded base64url");
    }

    private static int RouteNameplate(HttpContext ctx)
    {
        var text = ctx.Request.RouteValues["nameplate"] as string ?? string.Empty;
        if (text.Length is 0 or > 5 || text[0] == '0' || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int number) || number > MaxNameplateRange)
        {
            throw RelayProblem.BadRequest("bad_nameplate", $"a nameplate is a number from 1 to {MaxNameplateRange}");
        }

        return number;
    }

    private static Dictionary<string, long> ParseQuery(HttpContext ctx, string[] allowed)
    {
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (key, values) in ctx.Request.Query)
        {
            if (!allowed.Contains(key, StringComparer.Ordinal))
            {
                throw RelayProblem.BadRequest("unknown_parameter", $"unknown query parameter; allowed: {string.Join(", ", allowed)}");
            }

            if (values.Count != 1)
            {
                throw RelayProblem.BadRequest("bad_parameter", $"{key} must appear once");
            }

            var text = values[0] ?? string.Empty;
            if (text.Length is 0 or > 18 || !long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value))
            {
                throw RelayProblem.BadRequest("bad_parameter", $"{key} must be a non-negative decimal integer");
            }

            result[key] = value;
        }

        return result;
    }

    private static string? SingleHeader(HttpContext ctx, string name)
    {
        StringValues values = ctx.Request.Headers[name];
        if (values.Count == 0)
        {
            return null;
        }

        return values.Count == 1 ? values[0] : throw RelayProblem.BadRequest("bad_header", $"{name} must appear once");
    }

    internal static async Task WriteJsonAsync<T>(HttpContext ctx, int status, T value, JsonTypeInfo<T> type)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(ctx.Response.Body, value, type, ctx.RequestAborted).ConfigureAwait(false);
    }

    private static RelayProblem NoSuchDrop() => new(404, "no_such_drop", "there is no such drop");

    /// <summary>One side of a nameplate: it appends to <paramref name="Own"/> and reads <paramref name="Other"/>.</summary>
    private sealed record NameplateSide(int Number, DropName Own, DropName Other, bool IsInviter, bool Interfered);

    private static RelayProblem NoSuchNameplate() => new(404, "no_such_nameplate", "there is no such nameplate, or it expired");
}
