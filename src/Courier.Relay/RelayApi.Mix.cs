using System.Text.Json;
using Courier.Relay.Client;
using Courier.Relay.Client.Mix;
using Courier.Relay.Mix;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace Courier.Relay;

/// <summary>The mix endpoints (docs/relay-api.md, "Mix") and the last hop's requests, performed as the HTTP API performs them.</summary>
internal sealed partial class RelayApi : IDisposable
{
    /// <summary>An <see cref="HttpContext.Items"/> key: the byte budget of a fetch performed for the mix, whose answer must fit a packet.</summary>
    private const string FetchBytesItem = "courier.mix.fetch-bytes";

    private MixNode? _mix;

    /// <summary>The mix identity key, or null when the relay does not mix.</summary>
    public byte[]? MixIdentityKey => _mix?.IdentityKey;

    public void Dispose()
    {
        _mix?.Dispose();
        _bundleGate.Dispose();
    }

    private void MapMix(IEndpointRouteBuilder app)
    {
        if (options.Mix is null)
        {
            return;
        }

        _mix = new MixNode(options, metrics, PerformAsync, lifetime.ApplicationStopping);
        app.MapMethods("/v1/mix/descriptor", ["GET"], async ctx =>
        {
            await RequestBody.ReadAsync(ctx, 0, null).ConfigureAwait(false);
            ctx.Response.ContentType = "application/json";
            await ctx.Response.Body.WriteAsync(_mix.Descriptor(), ctx.RequestAborted).ConfigureAwait(false);
        }).WithDisplayName("mix_descriptor");
        app.MapMethods("/v1/mix/directory", ["GET"], async ctx =>
        {
            await RequestBody.ReadAsync(ctx, 0, null).ConfigureAwait(false);
            var descriptors = await _mix.DirectoryAsync(ctx.RequestAborted).ConfigureAwait(false);
            ctx.Response.ContentType = "application/json";
            await ctx.Response.Body.WriteAsync(MixDirectory.Encode(descriptors), ctx.RequestAborted).ConfigureAwait(false);
        }).WithDisplayName("mix_directory");
        app.MapMethods("/v1/mix/packets", ["POST"], async ctx =>
        {
            RequestBody.CheckHeaders(ctx, MixNode.MaxPacketLength, "application/octet-stream");
            var packet = await RequestBody.ReadAsync(ctx, MixNode.MaxPacketLength, "application/octet-stream").ConfigureAwait(false);
            if ((await _mix.AcceptAsync([packet]).ConfigureAwait(false))[0] is { } problem)
            {
                throw problem;
            }

            ctx.Response.StatusCode = 202;
        }).WithDisplayName("mix_packet");
        app.MapMethods("/v1/mix/batches", ["POST"], AcceptBatchAsync).WithDisplayName("mix_batch");
        app.MapMethods("/v1/mix/replies/{surb}", ["GET"], CollectReplyAsync).WithDisplayName("mix_reply");
        MapBundles(app, _mix);
    }

    /// <summary>
    /// A batch of packets (from a peer mix, <see cref="MixLink"/>): refused whole only when it is not a
    /// batch, too large or over the address's request rate (each packet after the first takes one more
    /// request from it); otherwise each packet is accepted or refused as it would be alone.
    /// </summary>
    private async Task AcceptBatchAsync(HttpContext ctx)
    {
        RequestBody.CheckHeaders(ctx, MixBatch.MaxBytes, MixBatch.ContentType);
        var packets = await MixBatch.ReadAsync(ctx.Request.Body, MixNode.MaxPacketLength, ctx.RequestAborted).ConfigureAwait(false);
        requestRate.TakeMore(ctx, packets.Count - 1);
        var problems = await _mix!.AcceptAsync(packets).ConfigureAwait(false);
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/octet-stream";
        await ctx.Response.Body.WriteAsync(MixBatch.EncodeStatuses([.. problems.Select(p => p?.Status ?? 202)]), ctx.RequestAborted).ConfigureAwait(false);
    }

    private async Task CollectReplyAsync(HttpContext ctx)
    {
        var query = ParseQuery(ctx, ["wait"]);
        long wait = query.GetValueOrDefault("wait", 0);
        if (wait > (long)RelayClient.MaxWait.TotalSeconds)
        {
            throw RelayProblem.BadRequest("out_of_range", "wait must be between 0 and 60 seconds");
        }

        var surbId = new byte[16];
        if (!WireBase64.TryDecode(ctx.Request.RouteValues["surb"] as string, surbId))
        {
            throw RelayProblem.BadRequest("bad_surb_id", "a SURB id is 16 bytes in unpadded base64url");
        }

        await RequestBody.ReadAsync(ctx, 0, null).ConfigureAwait(false);
        byte[]? reply;
        using (wait > 0 ? _longPolls.Enter(ctx) : null)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, lifetime.ApplicationStopping);
            reply = await _mix!.Replies.TakeAsync(surbId, TimeSpan.FromSeconds(wait), stop.Token).ConfigureAwait(false);
        }

        if (reply is null)
        {
            throw new RelayProblem(404, "no_reply", "no reply has come back under this SURB id (yet)");
        }

        metrics.Mix("reply_collected");
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/octet-stream";
        await ctx.Response.Body.WriteAsync(reply, ctx.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// A drop request that arrived through the mix, run through the same handler as over HTTP (same
    /// parsing, signatures, replay windows, message-id idempotence), with no client address: its
    /// waiting fetches share one per-address long-poll bound.
    /// </summary>
    private async Task<MixAnswer> PerformAsync(MixRequest request, CancellationToken cancellationToken)
    {
        var ctx = new DefaultHttpContext { RequestAborted = cancellationToken };
        int query = request.Target.IndexOf('?', StringComparison.Ordinal);
        var path = query < 0 ? request.Target : request.Target[..query];
        ctx.Request.Method = request.Method;
        ctx.Request.Path = new PathString(path);
        ctx.Request.QueryString = query < 0 ? QueryString.Empty : new QueryString(request.Target[query..]);
        ctx.Features.Get<IHttpRequestFeature>()!.RawTarget = request.Target;
        foreach (var (name, value) in request.Headers)
        {
            ctx.Request.Headers[name] = value;
        }

        ctx.Request.Body = new MemoryStream(request.Body, writable: false);
        ctx.Request.ContentLength = request.Body.Length;
        var response = new MemoryStream();
        ctx.Response.Body = response;
        ctx.Items[FetchBytesItem] = MixMessages.MaxFetchBytes(request.ReplyLength);

        var segments = path.Split('/');
        Func<HttpContext, Task>? handler = (request.Method, segments) switch
        {
            ("POST", ["", "v1", "drops"]) => CreateDropAsync,
            ("POST", ["", "v1", "drops", _, "envelopes"]) => c => AppendAsync(c, nameplate: false),
            ("GET", ["", "v1", "drops", _, "envelopes"]) => c => FetchAsync(c, nameplate: false),
            ("POST", ["", "v1", "drops", _, "trim"]) => TrimAsync,
            _ => null,
        };
        if (segments.Length > 3)
        {
            ctx.Request.RouteValues["drop"] = segments[3];
        }

        string route = handler is null ? "mix_unmatched" : "mix_" + segments[^1];
        try
        {
            if (handler is null)
            {
                throw new RelayProblem(404, "not_found", "through the mix a relay performs create, append, fetch and trim of drops only");
            }

            await handler(ctx).ConfigureAwait(false);
        }
        catch (RelayProblem problem)
        {
            response.SetLength(0);
            ctx.Response.StatusCode = problem.Status;
            JsonSerializer.Serialize(response, new ErrorResponse(problem.Error, problem.Message), WireJson.Default.ErrorResponse);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            response.SetLength(0);
            ctx.Response.StatusCode = 503;
            JsonSerializer.Serialize(response, new ErrorResponse("unavailable", "the relay's store is unavailable; retry later"), WireJson.Default.ErrorResponse);
        }

        metrics.Request(route, ctx.Response.StatusCode);
        return new MixAnswer(ctx.Response.StatusCode, response.ToArray());
    }
}
