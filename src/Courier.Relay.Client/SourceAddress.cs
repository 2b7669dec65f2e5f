using System.Net;
using System.Net.Http;
using System.Net.Sockets;

namespace Courier.Relay.Client;

/// <summary>
/// Connections that leave from a given local address: a node told to (<c>courier --bind</c>), and
/// tests and load tools that give each party its own 127.0.0.N so that the relay's per-address
/// limits and connection logs tell them apart.
/// </summary>
public static class SourceAddress
{
    /// <summary>A <see cref="SocketsHttpHandler.ConnectCallback"/> that binds each connection to <paramref name="source"/> (the port is the system's choice).</summary>
    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> ConnectFrom(IPAddress source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return async (context, cancellationToken) =>
        {
            var socket = new Socket(source.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(source, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };
    }

    /// <summary>An <see cref="HttpClient"/> for the relay at <paramref name="relay"/> whose connections leave from <paramref name="source"/>.</summary>
    public static HttpClient HttpClient(Uri relay, IPAddress source, int maxConnections = int.MaxValue)
        => new(new SocketsHttpHandler { ConnectCallback = ConnectFrom(source), MaxConnectionsPerServer = maxConnections }) { BaseAddress = relay, Timeout = TimeSpan.FromSeconds(90) };
}
