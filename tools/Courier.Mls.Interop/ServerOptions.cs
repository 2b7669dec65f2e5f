using System.Globalization;
using System.Net;

namespace Courier.Mls.Interop;

/// <summary>The command line: where to listen (127.0.0.1 only) and whether to log each call.</summary>
internal sealed record ServerOptions(int Port, bool Verbose)
{
    public const string Usage =
        "usage: Courier.Mls.Interop (--listen 127.0.0.1:<port> | --port <port>) [--verbose]\n" +
        "  Serves the MLS working group's MLSClient gRPC service (HTTP/2 cleartext) on 127.0.0.1 only.\n" +
        "  Port 0 picks a free port; the one in use is printed on stderr as 'listening on 127.0.0.1:<port>'.";

    /// <summary>Parses the arguments; an <see cref="ArgumentException"/> carries the reason for refusing them.</summary>
    public static ServerOptions Parse(IReadOnlyList<string> args)
    {
        int? port = null;
        var verbose = false;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--port":
                    port = ParsePort(Next(args, ref i));
                    break;
                case "--listen":
                    port = ParseListen(Next(args, ref i));
                    break;
                case "--verbose":
                    verbose = true;
                    break;
                default:
                    throw new ArgumentException($"unknown argument '{args[i]}'");
            }
        }

        return new ServerOptions(port ?? throw new ArgumentException("--listen or --port is required"), verbose);
    }

    private static string Next(IReadOnlyList<string> args, ref int i)
        => ++i < args.Count ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value");

    private static int ParsePort(string text)
        => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= IPEndPoint.MaxPort
            ? port
            : throw new ArgumentException($"'{text}' is not a port number");

    /// <summary>Only the IPv4 loopback address is accepted: the server never listens beyond this machine.</summary>
    private static int ParseListen(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon < 0)
        {
            throw new ArgumentException($"--listen takes 127.0.0.1:<port>, not '{text}'");
        }

        var host = text[..colon];
        if (host is not ("127.0.0.1" or "localhost"))
        {
            throw new ArgumentException($"this server listens on 127.0.0.1 only, not on '{host}'");
        }

        return ParsePort(text[(colon + 1)..]);
    }
}
