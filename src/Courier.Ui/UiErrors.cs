using Courier.Node;
using Microsoft.AspNetCore.Http;

namespace Courier.Ui;

/// <summary>Every failure as the page shows it: a code and a sentence in plain words, never a stack trace.</summary>
internal static class UiErrors
{
    public static async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception e) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested && e is not OutOfMemoryException)
        {
            var (status, code, message) = e switch
            {
                UiLockedException locked => (StatusCodes.Status423Locked, "locked", locked.Message),
                UiBusyException => (StatusCodes.Status503ServiceUnavailable, "busy", e.Message),
                WrongPassphraseException => (StatusCodes.Status403Forbidden, "wrong_passphrase", e.Message),
                NodeException node => (StatusCodes.Status409Conflict, node.ErrorCode, node.Message),
                BadHttpRequestException bad => (bad.StatusCode, "bad_request", "The request was refused: " + bad.Message),
                ArgumentException argument => (StatusCodes.Status400BadRequest, "invalid", Plain(argument)),
                _ => (StatusCodes.Status500InternalServerError, "internal", "Something failed inside the UI; check whether the operation took effect before trying it again."),
            };
            context.Response.StatusCode = status;
            await context.Response.WriteAsJsonAsync(new { error = code, message }, UiJson.Options).ConfigureAwait(false);
        }
    }

    private static string Plain(ArgumentException e)
        => e.ParamName is { } name ? e.Message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal) : e.Message;
}
