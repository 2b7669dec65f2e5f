using System.CommandLine;
using Courier.Relay;

namespace Courier.Cli.Commands;

/// <summary>
/// The resource limits of <c>courier relay serve</c> (docs/relay-api.md, "Limits"): what one client
/// address, and everyone together, may hold of the relay at once. The defaults are those of <see cref="RelayOptions"/>.
/// </summary>
internal sealed class RelayLimitOptions
{
    private static readonly RelayOptions Defaults = new();

    public Option<int> MaxConnections { get; } = new("--max-connections")
    {
        Description = "The most connections held open at once; beyond it new connections are closed unanswered. Each idle connection costs some kilobytes of memory.",
        DefaultValueFactory = _ => Defaults.MaxConnections,
    };

    public Option<int> MaxConnectionsPerAddress { get; } = new("--max-connections-per-address")
    {
        Description = "The most connections one client address (IPv6: one /64) holds open at once; beyond it new ones are closed unanswered. Trusted proxies (--trusted-proxy) are exempt. Raise it for many clients behind one NAT.",
        DefaultValueFactory = _ => Defaults.MaxConnectionsPerClient,
    };

    public Option<int> MinBodyRate { get; } = new("--min-body-rate")
    {
        Description = "Bytes per second below which a request body is too slow: after a 5 s grace period the connection is closed, so a trickled body cannot hold memory. A 64 KiB envelope at this rate takes a minute.",
        DefaultValueFactory = _ => Defaults.MinBodyBytesPerSecond,
        HelpName = "bytes/s",
    };

    public Option<int> MaxLongPolls { get; } = new("--max-long-polls")
    {
        Description = "The most fetches waiting for an envelope (wait=S) at once; beyond it a waiting fetch is refused with 503 long_polls_full and Retry-After.",
        DefaultValueFactory = _ => Defaults.MaxLongPolls,
    };

    public Option<int> MaxLongPollsPerAddress { get; } = new("--max-long-polls-per-address")
    {
        Description = "The most waiting fetches of one client address (IPv6: one /64) at once; beyond it 429 too_many_long_polls and Retry-After. A node waits on one fetch per drop it watches.",
        DefaultValueFactory = _ => Defaults.MaxLongPollsPerClient,
    };

    public Option<int> MaxRequestsInProgressPerAddress { get; } = new("--max-requests-in-progress-per-address")
    {
        Description = "Requests of one client address (IPv6: one /64) served at once, long-polls aside; the next ones wait in that address's own queue (256, then 429), so a flooding address waits behind itself, not behind others. 0 for no limit. A node sends one request at a time.",
        DefaultValueFactory = _ => Defaults.RequestsInProgressPerClient,
    };

    public Option<int> DropRate { get; } = new("--drop-rate")
    {
        Description = "Drop creations allowed per client address (IPv6: one /64) per minute, beyond which 429 rate_limited with Retry-After; 0 for no limit. A node creates a few drops per cell and epoch.",
        DefaultValueFactory = _ => Defaults.DropCreationsPerMinute,
        HelpName = "per-minute",
    };

    public void AddTo(Command command)
    {
        foreach (Option option in new Option[] { MaxConnections, MaxConnectionsPerAddress, MinBodyRate, MaxLongPolls, MaxLongPollsPerAddress, MaxRequestsInProgressPerAddress, DropRate })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>A message naming the first limit out of range, or null.</summary>
    public string? Validate(ParseResult parse)
    {
        foreach (var option in new[] { MaxConnections, MaxConnectionsPerAddress, MinBodyRate, MaxLongPolls, MaxLongPollsPerAddress })
        {
            if (parse.GetValue(option) <= 0)
            {
                return $"{option.Name} must be positive.";
            }
        }

        return parse.GetValue(DropRate) < 0 ? $"{DropRate.Name} must not be negative."
            : parse.GetValue(MaxRequestsInProgressPerAddress) < 0 ? $"{MaxRequestsInProgressPerAddress.Name} must not be negative."
            : null;
    }
}
