using Courier.Relay.Bundles;
using Courier.Relay.Client;
using Courier.Relay.Client.Bundles;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace Courier.Relay;

/// <summary><c>POST /v1/bundles</c> (docs/bundles.md, "At a relay"): served by a relay with an identity key, the one its layers pin.</summary>
internal sealed partial class RelayApi
{
    /// <summary>One bundle imported at a time: a bundle may be 64 MiB, held in memory while it is verified.</summary>
    private readonly SemaphoreSlim _bundleGate = new(1, 1);

    private void MapBundles(IEndpointRouteBuilder app, Mix.MixNode mix)
    {
        var importer = new BundleImporter(store, options);
        app.MapMethods("/v1/bundles", ["POST"], async ctx =>
        {
            var limit = options.MaxBundleSize;
            RequestBody.CheckHeaders(ctx, limit, "application/octet-stream");
            if (ctx.Request.ContentLength is { } declared && !BundleFormat.IsSize(declared))
            {
                throw NotABundleSize();
            }

            if (!await _bundleGate.WaitAsync(0, ctx.RequestAborted).ConfigureAwait(false))
            {
                ctx.Response.Headers.RetryAfter = "5";
                throw new RelayProblem(503, "bundle_busy", "another bundle is being imported; retry after Retry-After");
            }

            try
            {
                if (ctx.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
                {
                    size.MaxRequestBodySize = limit;
                }

                var bundle = await RequestBody.ReadAsync(ctx, limit, "application/octet-stream").ConfigureAwait(false);
                BundleImportResult result;
                try
                {
                    result = await importer.ImportAsync(bundle, mix.BundleKey, ctx.RequestAborted).ConfigureAwait(false);
                }
                catch (BundleException e)
                {
                    throw e.Reason switch
                    {
                        BundleRefusal.NotABundleSize => NotABundleSize(),
                        BundleRefusal.NothingForYou => new RelayProblem(422, "bundle_not_for_this_relay", "no slot of the bundle opens with this relay's identity key"),
                        BundleRefusal.Unauthorized => new RelayProblem(403, "bundle_unauthorized", "an envelope is not signed with its drop's append key; nothing was imported"),
                        BundleRefusal.Expired => new RelayProblem(422, "bundle_expired", "the bundle was made longer ago than this relay keeps envelopes; nothing was imported"),
                        BundleRefusal.FromTheFuture => new RelayProblem(422, "bundle_from_the_future", "the bundle was made later than this relay's clock allows; nothing was imported"),
                        _ => new RelayProblem(422, "bundle_altered", "the bundle's seal does not verify; nothing was imported"),
                    };
                }

                await WriteJsonAsync(ctx, 200, result, WireJson.Default.BundleImportResult).ConfigureAwait(false);
            }
            finally
            {
                _bundleGate.Release();
            }
        }).WithDisplayName("import_bundle").RequireRateLimiting(DropPolicy);
    }

    private static RelayProblem NotABundleSize()
        => new(422, "bad_bundle_size", "a bundle is 64 KiB, 256 KiB, 1 MiB, 4 MiB, 16 MiB or 64 MiB");
}
