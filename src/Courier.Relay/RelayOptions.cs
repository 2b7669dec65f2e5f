using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Courier.Relay;

/// <summary>Everything a relay can be told at start; the defaults are those of <c>courier relay serve</c>.</summary>
public sealed class RelayOptions
{
    /// <summary>Address and port to listen on (port 0 picks a free one; see <see cref="RelayHost.Address"/>).</summary>
    public IPEndPoint Listen { get; init; } = new(IPAddress.Loopback, 7700);

    /// <summary>
    /// The certificate (with its private key) served over HTTPS, TLS 1.3 only; null serves plain HTTP,
    /// which <see cref="RelayHost.StartAsync"/> allows only on a loopback address or with <see cref="AllowInsecureHttp"/>.
    /// </summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>Serve plain HTTP on an address that is not loopback: anyone on the path then reads drop names and message ids.</summary>
    public bool AllowInsecureHttp { get; init; }

    /// <summary>
    /// Proxies whose <c>X-Forwarded-For</c> names the client (for per-address limits); from any other
    /// peer the header is ignored. Empty by default: the connection's address counts.
    /// </summary>
    public IReadOnlyList<IPAddress> TrustedProxies { get; init; } = [];

    /// <summary>
    /// Tests only: a file to which the relay appends one line per accepted connection, "remote-address
    /// local-address", so that a test can show which processes talked to which. Such a log is what an
    /// adversary who seizes a relay would want; a relay in service never keeps one.
    /// </summary>
    public string? TestConnectionLog { get; init; }

    /// <summary>How far a signed request's timestamp may be from the relay's clock.</summary>
    public TimeSpan FreshnessWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The most envelopes one drop holds; further appends are refused until the reader trims.</summary>
    public int MaxEnvelopesPerDrop { get; init; } = 10_000;

    /// <summary>How long a nameplate lives after allocation.</summary>
    public TimeSpan NameplateLifetime { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How many envelopes each side of a nameplate may post (first contact needs two: Hello and Confirm, Reply and Ack, or an Abort).</summary>
    public int NameplateEnvelopesPerSide { get; init; } = 2;

    /// <summary>Nameplate allocations allowed per client address (an IPv6 client: per /64) per minute, and as many joins.</summary>
    public int NameplateAllocationsPerMinute { get; init; } = 10;

    /// <summary>Requests per second allowed per client address (an IPv6 client: per /64; a token bucket with one second of burst); 0 for no limit.</summary>
    public int RequestsPerSecondPerClient { get; init; } = 2_000;

    /// <summary>
    /// Requests of one client address (an IPv6 client: per /64) in progress at once, long-polls
    /// aside; the next ones wait in that address's queue (up to <see cref="RequestsQueuedPerClient"/>,
    /// then 429), so that an address flooding the relay waits behind its own requests, not the
    /// others'. 0 for no limit.
    /// </summary>
    public int RequestsInProgressPerClient { get; init; } = 4;

    /// <summary>Requests of one client address waiting for one of its <see cref="RequestsInProgressPerClient"/> places; beyond it, 429 <c>rate_limited</c>.</summary>
    public int RequestsQueuedPerClient { get; init; } = 256;

    /// <summary>Drop creations allowed per client address (an IPv6 client: per /64) per minute; 0 for no limit.</summary>
    public int DropCreationsPerMinute { get; init; } = 60;

    /// <summary>The most connections the relay holds open at once; further ones are closed as they arrive.</summary>
    public int MaxConnections { get; init; } = 20_000;

    /// <summary>
    /// The most connections one client address (an IPv6 client: per /64) holds open at once; further
    /// ones are closed as they arrive. Not applied to trusted proxies, whose connections carry many clients.
    /// </summary>
    public int MaxConnectionsPerClient { get; init; } = 512;

    /// <summary>
    /// The slowest a request body may arrive, in bytes per second, after a 5 s grace period; a slower
    /// connection is closed, so that a trickled body cannot hold the relay's memory.
    /// </summary>
    public int MinBodyBytesPerSecond { get; init; } = 1024;

    /// <summary>The most fetches waiting for an envelope (long-polls) at once; beyond it, 503 <c>long_polls_full</c>.</summary>
    public int MaxLongPolls { get; init; } = 8_192;

    /// <summary>The most long-polls of one client address (an IPv6 client: per /64) at once; beyond it, 429 <c>too_many_long_polls</c>.</summary>
    public int MaxLongPollsPerClient { get; init; } = 128;

    /// <summary>The most envelopes one fetch returns.</summary>
    public int MaxFetchEnvelopes { get; init; } = 256;

    /// <summary>About the most envelope bytes one fetch returns (at least one envelope is always returned).</summary>
    public int MaxFetchBytes { get; init; } = 1024 * 1024;

    /// <summary>The default of <see cref="SweepInterval"/>, 30 s.</summary>
    public static readonly TimeSpan DefaultSweepInterval = TimeSpan.FromSeconds(30);

    /// <summary>How often expired envelopes and nameplates are deleted.</summary>
    public TimeSpan SweepInterval { get; init; } = DefaultSweepInterval;

    /// <summary>Mixing (docs/mixnet.md, "Relays as mixes"): the mix endpoints exist only when set.</summary>
    public Mix.MixOptions? Mix { get; init; }

    /// <summary>
    /// A bundle made longer ago than this (and <see cref="Client.Bundles.BundleFormat.MaxClockSkew"/>)
    /// is refused: the store's retention, after which a replayed envelope it no longer holds could be
    /// stored again (docs/bundles.md, "Time").
    /// </summary>
    public TimeSpan BundleMaxAge { get; init; } = new Storage.DropStoreOptions().Retention;

    /// <summary>The largest bundle <c>POST /v1/bundles</c> takes (docs/bundles.md); the largest bundle size by default.</summary>
    public int MaxBundleSize { get; init; } = Client.Bundles.BundleFormat.Sizes[^1];

    /// <summary>The clock for signed-request freshness and nameplate expiry.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
