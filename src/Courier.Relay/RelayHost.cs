using System.Net;
using System.Security.Authentication;
using System.Threading.RateLimiting;
using Courier.Relay.Client;
using Courier.Relay.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Courier.Relay;

/// <summary>
/// A running relay: Kestrel serving the relay API over one <see cref="IDropStore"/>, plus the
/// retention sweeper. The host owns the store and disposes it when stopped.
/// </summary>
public sealed class RelayHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly IDropStore _store;
    private readonly CancellationTokenSource _stopping = new();
    private Task _sweeper = Task.CompletedTask;
    private int _disposed;

    private RelayHost(WebApplication app, IDropStore store, Uri address)
    {
        _app = app;
        _store = store;
        Address = address;
    }

    /// <summary>The URL the relay listens on, with the actual port.</summary>
    public Uri Address { get; }

    /// <summary>The pin of the certificate served over HTTPS, or null when serving plain HTTP.</summary>
    public RelayPin? Pin { get; private init; }

    /// <summary>The relay's mix identity key (raw Ed25519, 32 bytes) that layers pin, or null when it does not mix.</summary>
    public byte[]? MixIdentityKey { get; private init; }

    internal IDropStore Store => _store;

    /// <summary>Starts a relay on <paramref name="store"/>.</summary>
    /// <param name="options">Listening address, limits and clock.</param>
    /// <param name="store">The storage; owned by the host from now on.</param>
    /// <param name="configureLogging">Replaces the default providers (JSON lines on the console); ASP.NET's request logs stay filtered out.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<RelayHost> StartAsync(RelayOptions options, IDropStore store, Action<ILoggingBuilder>? configureLogging = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        if (options.Certificate is null && !IPAddress.IsLoopback(options.Listen.Address) && !options.AllowInsecureHttp)
        {
            throw new ArgumentException($"Plain HTTP on {options.Listen}, which is not a loopback address, would show every drop name and message id to the network: give a TLS certificate, or allow insecure HTTP explicitly.", nameof(options));
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "Courier.Relay", Args = [] });
        builder.Logging.ClearProviders();
        if (configureLogging is null)
        {
            builder.Logging.AddJsonConsole(o => o.IncludeScopes = false);
        }
        else
        {
            configureLogging(builder.Logging);
        }

        // ASP.NET's own request logs would name request paths, and paths name drops.
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);

        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(options.Listen, listen =>
            {
                if (options.TestConnectionLog is { } log)
                {
                    listen.Use(next => LogConnections(next, log));
                }

                // Before TLS, so a refused connection costs no handshake.
                listen.Use(next => LimitConnectionsPerClient(next, options));
                if (options.Certificate is { } certificate)
                {
                    listen.UseHttps(new HttpsConnectionAdapterOptions { ServerCertificate = certificate, SslProtocols = SslProtocols.Tls13 });
                }
            });
            k.AddServerHeader = false;
            // Endpoints enforce their own, smaller limits (413); this larger one lets Kestrel drain a
            // refused body so the client reads the 413 instead of a reset. Beyond it the connection closes.
            k.Limits.MaxRequestBodySize = 1024 * 1024;
            k.Limits.MaxRequestHeadersTotalSize = 16 * 1024;
            k.Limits.MaxRequestHeaderCount = 50;
            k.Limits.MaxRequestLineSize = 4 * 1024;
            // Every connection held is memory held: cap them, and close those that trickle.
            k.Limits.MaxConcurrentConnections = options.MaxConnections;
            k.Limits.MinRequestBodyDataRate = new MinDataRate(options.MinBodyBytesPerSecond, TimeSpan.FromSeconds(5));
            k.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
        });
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton<RelayMetrics>();
        builder.Services.AddSingleton<RelayApi>();
        var requestRate = new RequestRate(options);
        builder.Services.AddSingleton(requestRate);
        builder.Services.AddRateLimiter(r => ConfigureRateLimits(r, options, requestRate));

        var app = builder.Build();
        var metrics = app.Services.GetRequiredService<RelayMetrics>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Courier.Relay");
        app.Use(next => new ErrorMiddleware(next, metrics, logger).InvokeAsync);
        if (options.TrustedProxies.Count > 0)
        {
            app.UseForwardedHeaders(ForwardedFrom(options.TrustedProxies));
        }

        app.UseRouting();
        app.UseRateLimiter();
        app.Services.GetRequiredService<RelayApi>().Map(app);

        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        logger.LogInformation("relay listening on {Address} with the {Store} store", address, store.Kind);
        var host = new RelayHost(app, store, new Uri(address))
        {
            Pin = options.Certificate is { } served ? RelayPin.Of(served) : null,
            MixIdentityKey = app.Services.GetRequiredService<RelayApi>().MixIdentityKey,
        };
        host._sweeper = host.SweepLoopAsync(options, metrics, logger);
        return host;
    }

    /// <summary>Completes when the relay has been asked to stop (SIGTERM, Ctrl+C or <see cref="DisposeAsync"/>).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _app.StopAsync().ConfigureAwait(false);
        await _sweeper.ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        await _store.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task SweepLoopAsync(RelayOptions options, RelayMetrics metrics, ILogger logger)
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.SweepInterval, options.Time, token).ConfigureAwait(false);
                long swept = await _store.SweepAsync(token).ConfigureAwait(false);
                metrics.Swept(swept);
                if (swept > 0)
                {
                    logger.LogInformation("retention sweep deleted {Envelopes} envelopes", swept);
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning("retention sweep failed: {Error}", ex.GetType().Name);
            }
        }
    }

    private static void ConfigureRateLimits(RateLimiterOptions r, RelayOptions options, RequestRate requestRate)
    {
        r.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        r.OnRejected = async (context, token) =>
        {
            if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
            {
                context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            await RelayApi.WriteJsonAsync(context.HttpContext, 429, new ErrorResponse("rate_limited", "too many requests from this address; slow down"), WireJson.Default.ErrorResponse).ConfigureAwait(false);
        };
        var perClient = new List<PartitionedRateLimiter<HttpContext>>();
        if (requestRate.Limiter is { } rate)
        {
            perClient.Add(rate);
        }

        if (options.RequestsInProgressPerClient > 0)
        {
            // Each address's requests take turns among themselves: a flooding address fills its own
            // queue, and another address's request starts at once. A long-poll waits for an envelope,
            // not for the relay, and has its own bounds (LongPolls).
            perClient.Add(PartitionedRateLimiter.Create<HttpContext, IPAddress>(ctx => IsLongPoll(ctx)
                ? RateLimitPartition.GetNoLimiter(IPAddress.None)
                : RateLimitPartition.GetConcurrencyLimiter(
                    ClientAddress.LimitKey(ctx.Connection.RemoteIpAddress),
                    _ => new ConcurrencyLimiterOptions { PermitLimit = options.RequestsInProgressPerClient, QueueLimit = options.RequestsQueuedPerClient, QueueProcessingOrder = QueueProcessingOrder.OldestFirst })));
        }

        if (perClient.Count > 0)
        {
            r.GlobalLimiter = perClient.Count == 1 ? perClient[0] : PartitionedRateLimiter.CreateChained([.. perClient]);
        }

        r.AddPolicy(RelayApi.DropPolicy, ctx => options.DropCreationsPerMinute <= 0
            ? RateLimitPartition.GetNoLimiter(IPAddress.None)
            : RateLimitPartition.GetFixedWindowLimiter(
                ClientAddress.LimitKey(ctx.Connection.RemoteIpAddress),
                _ => new FixedWindowRateLimiterOptions { PermitLimit = options.DropCreationsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0, AutoReplenishment = true }));

        // Allocations and joins are limited apart, at the same rate: a first contact makes one of each.
        foreach (var policy in (string[])[RelayApi.NameplatePolicy, RelayApi.JoinPolicy])
        {
            r.AddPolicy(policy, ctx => RateLimitPartition.GetFixedWindowLimiter(
                ClientAddress.LimitKey(ctx.Connection.RemoteIpAddress),
                _ => new FixedWindowRateLimiterOptions { PermitLimit = options.NameplateAllocationsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0, AutoReplenishment = true }));
        }
    }

    /// <summary>Appends "remote local" addresses of each connection to <paramref name="path"/> (<see cref="RelayOptions.TestConnectionLog"/>).</summary>
    private static ConnectionDelegate LogConnections(ConnectionDelegate next, string path)
    {
        var gate = new Lock();
        return connection =>
        {
            var line = $"{(connection.RemoteEndPoint as IPEndPoint)?.Address} {(connection.LocalEndPoint as IPEndPoint)?.Address}\n";
            lock (gate)
            {
                File.AppendAllText(path, line);
            }

            return next(connection);
        };
    }

    /// <summary>A fetch that may wait for an envelope (<c>wait</c> above 0).</summary>
    private static bool IsLongPoll(HttpContext ctx)
        => ctx.Request.Query.TryGetValue("wait", out var wait) && wait.Count == 1 && wait[0] is { Length: > 0 } text && text != "0";

    /// <summary>Closes a connection from a client address that holds <see cref="RelayOptions.MaxConnectionsPerClient"/> already.</summary>
    private static ConnectionDelegate LimitConnectionsPerClient(ConnectionDelegate next, RelayOptions options)
    {
        var limit = new ConcurrencyLimit(int.MaxValue, options.MaxConnectionsPerClient);
        var proxies = options.TrustedProxies.Select(ClientAddress.LimitKey).ToHashSet();
        return async connection =>
        {
            var client = ClientAddress.LimitKey((connection.RemoteEndPoint as IPEndPoint)?.Address);
            if (proxies.Contains(client))
            {
                await next(connection).ConfigureAwait(false);
                return;
            }

            if (limit.TryEnter(client) != Admission.Admitted)
            {
                // Nothing is answered at this level: returning closes the connection.
                return;
            }

            try
            {
                await next(connection).ConfigureAwait(false);
            }
            finally
            {
                limit.Exit(client);
            }
        };
    }

    /// <summary>X-Forwarded-For from <paramref name="proxies"/> only (the last entry, the one the proxy added); ASP.NET's default of trusting loopback is dropped.</summary>
    private static ForwardedHeadersOptions ForwardedFrom(IReadOnlyList<IPAddress> proxies)
    {
        var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor, ForwardLimit = 1 };
        forwarded.KnownProxies.Clear();
        forwarded.KnownIPNetworks.Clear();
        foreach (var proxy in proxies)
        {
            forwarded.KnownProxies.Add(proxy);
            // Kestrel on a dual-stack socket reports an IPv4 peer in its IPv6-mapped form.
            if (proxy.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
            {
                forwarded.KnownProxies.Add(proxy.MapToIPv6());
            }
            else if (proxy.IsIPv4MappedToIPv6)
            {
                forwarded.KnownProxies.Add(proxy.MapToIPv4());
            }
        }

        return forwarded;
    }
}
