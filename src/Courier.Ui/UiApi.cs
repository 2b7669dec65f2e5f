using Courier.Node;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Courier.Ui;

/// <summary>The UI's JSON API, part one: the lock, the event stream, contacts and first contact. Each call is what one CLI command does.</summary>
internal static partial class UiApi
{
    private sealed record UnlockRequest(string? Passphrase);

    private sealed record InviteRequest(string? Relay, string? Phrase);

    private sealed record AcceptRequest(string? Relay, string? Code);

    public static void Map(WebApplication app, NodeSession session)
    {
        app.MapGet("/api/status", () => new { unlocked = session.Unlocked, lockReason = session.LockReason });
        app.MapPost("/api/unlock", async (UnlockRequest request) =>
        {
            await session.UnlockAsync(Required(request.Passphrase, "the passphrase")).ConfigureAwait(false);
            return Results.Ok(new { unlocked = true });
        });
        app.MapPost("/api/lock", async () =>
        {
            await session.LockAsync("locked").ConfigureAwait(false);
            return Results.Ok(new { unlocked = false });
        });
        app.MapGet("/api/events", (HttpContext context) => StreamAsync(context, session.Events));

        app.MapGet("/api/contacts", () => session.Run(node => node.Contacts.Select(ContactView.Of).ToList()));
        app.MapGet("/api/invite", () => session.Invitation is { } state ? Results.Ok(state) : Results.NoContent());
        app.MapPost("/api/invite", (InviteRequest request) => session.InviteAsync(Relay(request.Relay), string.IsNullOrWhiteSpace(request.Phrase) ? null : request.Phrase));
        app.MapPost("/api/invite/cancel", async () =>
        {
            await session.CancelInvitationAsync().ConfigureAwait(false);
            return Results.Ok(new { });
        });
        app.MapPost("/api/accept", (AcceptRequest request) => session.RunAsync(async (node, ct) =>
            ContactView.Of(await node.AcceptAsync(Relay(request.Relay), Required(request.Code, "the code").Trim(), null, ct).ConfigureAwait(false))));
    }

    /// <summary>Server-Sent Events: one line of JSON per event, a comment every 15 s so that proxies and the browser keep the stream open.</summary>
    private static async Task StreamAsync(HttpContext context, EventHub events)
    {
        context.Response.ContentType = "text/event-stream";
        var channel = events.Subscribe();
        try
        {
            await context.Response.WriteAsync(": open\n\n", context.RequestAborted).ConfigureAwait(false);
            await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            while (true)
            {
                using var beat = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
                beat.CancelAfter(TimeSpan.FromSeconds(15));
                string text;
                try
                {
                    if (!await channel.Reader.WaitToReadAsync(beat.Token).ConfigureAwait(false))
                    {
                        return;
                    }

                    var e = await channel.Reader.ReadAsync(beat.Token).ConfigureAwait(false);
                    text = $"event: {e.Type}\ndata: {e.Json}\n\n";
                }
                catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
                {
                    text = ": still here\n\n";
                }

                await context.Response.WriteAsync(text, context.RequestAborted).ConfigureAwait(false);
                await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The page went away.
        }
        finally
        {
            events.Unsubscribe(channel);
        }
    }

    private static string Required(string? value, string what)
        => string.IsNullOrWhiteSpace(value) ? throw new ArgumentException($"Give {what}.") : value;

    /// <summary>A relay address as the relay prints it; the node refuses plain HTTP to another machine.</summary>
    private static Uri Relay(string? text)
        => Uri.TryCreate(Required(text, "the relay's address").Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new ArgumentException($"'{text}' is not a relay address: give https://host:port/#sha256=<pin> as the relay prints it.");
}
