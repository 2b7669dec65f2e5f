using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Courier.Ui;

/// <summary>
/// The local web UI of a node (<c>courier ui</c>, docs/ui.md): an ASP.NET Core server on a loopback
/// address that only the holder of a fresh random token can use. The vault is opened when the page
/// gives its passphrase.
/// </summary>
public sealed class UiServer : IAsyncDisposable
{
    /// <summary>The largest file the page can send: 256 MiB.</summary>
    public const long MaxUpload = 256L * 1024 * 1024;

    private readonly WebApplication _app;
    private readonly NodeSession _session;
    private readonly EventHub _events;

    private UiServer(WebApplication app, NodeSession session, EventHub events, Uri address, string token)
    {
        _app = app;
        _session = session;
        _events = events;
        Address = address;
        LoginUrl = new Uri(address, $"/?token={token}");
    }

    /// <summary>The UI's address, without the token (every request to it without the cookie is refused).</summary>
    public Uri Address { get; }

    /// <summary>The address to open once: it carries the token, which the first request turns into a cookie.</summary>
    public Uri LoginUrl { get; }

    /// <summary>Starts the server on <see cref="UiOptions.Listen"/> with a fresh token.</summary>
    /// <exception cref="ArgumentException">The listen address is not loopback.</exception>
    /// <exception cref="IOException">The port is taken.</exception>
    public static async Task<UiServer> StartAsync(UiOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!IPAddress.IsLoopback(options.Listen.Address))
        {
            throw new ArgumentException("The UI listens only on a loopback address (127.0.0.1 or [::1]).", nameof(options));
        }

        var token = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ApplicationName = typeof(UiServer).Assembly.GetName().Name });
        // Nothing is logged: a log line could carry a cell's or a contact's name.
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            // A file to send comes as one request body.
            k.Limits.MaxRequestBodySize = MaxUpload;
            k.Listen(options.Listen);
        });
        var app = builder.Build();
        var events = new EventHub();
        var session = new NodeSession(options, events);

        UiGuard? guard = null;
        app.Use((context, next) => guard is null ? Unavailable(context) : guard.InvokeAsync(context, next));
        app.Use(UiErrors.InvokeAsync);
        UiAssets.Map(app);
        UiApi.Map(app, session);
        UiApi.MapCells(app, session);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            await session.DisposeAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
            throw new IOException($"Cannot listen on {options.Listen}: {(e.InnerException as SocketException)?.Message ?? e.Message}", e);
        }

        var bound = new Uri(app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        var ipv6 = options.Listen.AddressFamily == AddressFamily.InterNetworkV6;
        guard = new UiGuard(token, bound.Port, ipv6);
        var address = new Uri($"http://{(ipv6 ? "[::1]" : "127.0.0.1")}:{bound.Port}/");
        return new UiServer(app, session, events, address, token);
    }

    /// <summary>Waits until the server is stopped (Ctrl+C, or <paramref name="cancellationToken"/>).</summary>
    public Task WaitAsync(CancellationToken cancellationToken) => _app.WaitForShutdownAsync(cancellationToken);

    /// <summary>Stops the server and closes the vault.</summary>
    public async ValueTask DisposeAsync()
    {
        _events.Close();
        await _app.StopAsync().ConfigureAwait(false);
        await _session.DisposeAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static Task Unavailable(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        return Task.CompletedTask;
    }
}
