using System.Net;
using Courier.Node;

namespace Courier.Ui;

/// <summary>How <see cref="UiServer"/> runs: the home it opens, where it listens, when it locks.</summary>
public sealed class UiOptions
{
    /// <summary>The node's home directory; its vault is opened only once the passphrase is given in the page.</summary>
    public required string Home { get; init; }

    /// <summary>The loopback address and port to listen on; port 0 picks a free one.</summary>
    public IPEndPoint Listen { get; init; } = new(IPAddress.Loopback, 0);

    /// <summary>The vault is closed (the page asks for the passphrase again) after this long without a request from the page.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How often the node syncs while unlocked; what arrives is pushed to the open pages.</summary>
    public TimeSpan SyncInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The options the node is opened with (relays, key stretching, timeouts).</summary>
    public NodeOptions Node { get; init; } = new();

    /// <summary>
    /// A listen address from the command line, <c>127.0.0.1:PORT</c>, <c>[::1]:PORT</c> or
    /// <c>localhost:PORT</c>; anything that is not loopback is refused, because the UI is for the
    /// person at this machine only.
    /// </summary>
    /// <exception cref="ArgumentException">Not an address and port, or not a loopback address.</exception>
    public static IPEndPoint ParseListen(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var value = text.StartsWith("localhost:", StringComparison.OrdinalIgnoreCase) ? "127.0.0.1" + text["localhost".Length..] : text;
        if (!IPEndPoint.TryParse(value, out var endpoint) || !value.Contains(':', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{text}' is not an address and port: give 127.0.0.1:PORT.", nameof(text));
        }

        if (!IPAddress.IsLoopback(endpoint.Address))
        {
            throw new ArgumentException($"'{text}' is not a loopback address: the UI listens only on this machine (127.0.0.1 or [::1]), where no one else on the network can reach it.", nameof(text));
        }

        return endpoint;
    }
}
