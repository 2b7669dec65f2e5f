using Courier.Relay.Client;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Courier.Relay;

/// <summary>
/// Turns every refusal into a JSON error with a precise status, answers routing misses the same
/// way, and counts requests by route. Logs name routes, never paths (paths name drops).
/// </summary>
internal sealed class ErrorMiddleware(RequestDelegate next, RelayMetrics metrics, ILogger logger)
{
    public async Task InvokeAsync(HttpContext ctx)
    {
        try
        {
            await next(ctx).ConfigureAwait(false);
            if (!ctx.Response.HasStarted && ctx.Response.StatusCode >= 400)
            {
                await WriteAsync(ctx, ctx.Response.StatusCode, CodeFor(ctx.Response.StatusCode), "see docs/relay-api.md").ConfigureAwait(false);
            }
        }
        catch (RelayProblem problem)
        {
            await WriteAsync(ctx, problem.Status, problem.Error, problem.Message, problem.RetryAfter).ConfigureAwait(false);
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException bad)
        {
            int status = bad.StatusCode is >= 400 and < 500 ? bad.StatusCode : 400;
            await WriteAsync(ctx, status, status == 413 ? "too_large" : "bad_request", "the HTTP request is malformed or too large").ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is no one to answer.
        }
        catch (Exception ex)
        {
            logger.LogError("{Route} failed: {Error}", RouteName(ctx), ex.GetType().Name);
            await WriteAsync(ctx, 503, "unavailable", "the relay's store is unavailable; retry later").ConfigureAwait(false);
        }
        finally
        {
            metrics.Request(RouteName(ctx), ctx.Response.StatusCode);
        }
    }

    private static string RouteName(HttpContext ctx) => ctx.GetEndpoint()?.DisplayName ?? "unmatched";

    private static string CodeFor(int status) => status switch
    {
        404 => "not_found",
        405 => "method_not_allowed",
        413 => "too_large",
        415 => "unsupported_media_type",
        429 => "rate_limited",
        _ => "bad_request",
    };

    private static async Task WriteAsync(HttpContext ctx, int status, string error, string message, int? retryAfter = null)
    {
        if (ctx.Response.HasStarted)
        {
            return;
        }

        ctx.Response.Clear();
        if (retryAfter is { } seconds)
        {
            ctx.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        await RelayApi.WriteJsonAsync(ctx, status, new ErrorResponse(error, message), WireJson.Default.ErrorResponse).ConfigureAwait(false);
    }
}
