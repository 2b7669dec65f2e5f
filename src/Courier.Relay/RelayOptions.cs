using System.Net;

namespace Courier.Relay;

/// <summary>Everything a relay can be told at start; the defaults are those of <c>courier relay serve</c>.</summary>
public sealed class RelayOptions
{
    /// <summary>Address and port to listen on (port 0 picks a free one; see <see cref="RelayHost.Address"/>).</summary>
    public IPEndPoint Listen { get; init; } = new(IPAddress.Loopback, 7700);

    /// <summary>How far a signed request's timestamp may be from the relay's clock.</summary>
    public TimeSpan FreshnessWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The most envelopes one drop holds; further appends are refused until the reader trims.</summary>
    public int MaxEnvelopesPerDrop { get; init; } = 10_000;

    /// <summary>How long a nameplate lives after allocation.</summary>
    public TimeSpan NameplateLifetime { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How many envelopes each side of a nameplate may post (first contact needs two: Hello and Confirm, Reply and Ack, or an Abort).</summary>
    public int NameplateEnvelopesPerSide { get; init; } = 2;

    /// <summary>Nameplate allocations allowed per client address per minute, and as many joins.</summary>
    public int NameplateAllocationsPerMinute { get; init; } = 10;

    /// <summary>Requests per second allowed per client address (a token bucket with one second of burst); 0 for no limit.</summary>
    public int RequestsPerSecondPerClient { get; init; } = 2_000;

    /// <summary>The most envelopes one fetch returns.</summary>
    public int MaxFetchEnvelopes { get; init; } = 256;

    /// <summary>About the most envelope bytes one fetch returns (at least one envelope is always returned).</summary>
    public int MaxFetchBytes { get; init; } = 1024 * 1024;

    /// <summary>How often expired envelopes and nameplates are deleted.</summary>
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The clock for signed-request freshness and nameplate expiry.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
