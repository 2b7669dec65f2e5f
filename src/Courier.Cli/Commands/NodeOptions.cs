using System.Net;
using System.CommandLine;
using System.Text;
using Courier.Node;
using Courier.Node.Relay;
using Spectre.Console;

namespace Courier.Cli.Commands;

/// <summary>The options every node command shares, and opening the node they name.</summary>
internal static class NodeCommandOptions
{
    public static readonly Option<DirectoryInfo?> Home = new("--home")
    {
        Description = "The node's home directory (default ~/.courier).",
        HelpName = "dir",
        Recursive = true,
    };

    public static readonly Option<FileInfo?> PassphraseFile = new("--passphrase-file")
    {
        Description = "Read the passphrase from this file (first line) instead of COURIER_PASSPHRASE or a prompt.",
        HelpName = "file",
        Recursive = true,
    };

    public static readonly Option<Uri> Relay = new("--relay")
    {
        Description = "The relay's address as it prints it, such as https://relay.example:7700/#sha256=<pin> (http only to this machine).",
        HelpName = "url",
        Required = true,
        CustomParser = result => ParseRelay(result, result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty),
    };

    public static readonly Option<IPAddress?> Bind = new("--bind")
    {
        Description = "Connect to relays from this local address (one of this machine's; tests give each node its own 127.0.0.N).",
        HelpName = "ip",
        Recursive = true,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
            if (IPAddress.TryParse(text, out var address))
            {
                return address;
            }

            result.AddError($"'{text}' is not an IP address: give one of this machine's addresses, such as 127.0.0.2.");
            return null;
        },
    };

    public static readonly Option<string> Route = new("--route")
    {
        Description = "How drop requests reach a layer of three or more relays with pinned mix keys: mix (as Sphinx packets through three of its relays, so the relay that stores a drop never sees a member's address; docs/mixnet.md) or direct.",
        DefaultValueFactory = _ => "mix",
        Recursive = true,
    };

    public static readonly Option<double> CoverRate = new("--cover-rate")
    {
        Description = "Cover packets per second sent through the layers reached through the mix while the command runs (half loops, half drop packets; useful with 'courier run'); 0 for none.",
        DefaultValueFactory = _ => 0,
        HelpName = "per-second",
        Recursive = true,
    };

    public static readonly Option<bool> Json = new("--json") { Description = "Print JSON instead of a table." };

    /// <summary>A relay address, or an error on <paramref name="result"/>.</summary>
    public static Uri? ParseRelay(System.CommandLine.Parsing.ArgumentResult result, string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            result.AddError($"'{text}' is not a relay address: give https://host:port/#sha256=<pin> as the relay prints it (or http://127.0.0.1:port for a relay on this machine).");
            return null;
        }

        try
        {
            uri = new Uri(HttpRelay.AddressOf(uri));
        }
        catch (ArgumentException e)
        {
            result.AddError($"'{text}' is not a relay address: {e.Message.Replace(" (Parameter 'address')", string.Empty, StringComparison.Ordinal)}");
            return null;
        }

        if (uri.Scheme == "http" && !uri.IsLoopback)
        {
            result.AddError($"'{text}' is plain HTTP to another machine, where anyone on the way reads drop names and can claim messages in flight: give the https address (with #sha256=<pin>) the relay prints (docs/tls.md).");
            return null;
        }

        return uri;
    }

    public static string HomeOf(ParseResult parse) => parse.GetValue(Home)?.FullName ?? CourierNode.DefaultHome;

    /// <summary>The passphrase: from --passphrase-file, COURIER_PASSPHRASE, or a prompt (twice when creating).</summary>
    public static char[] Passphrase(ParseResult parse, bool confirm)
        => Secret(parse.GetValue(PassphraseFile), "COURIER_PASSPHRASE", "--passphrase-file", "passphrase", confirm);

    /// <summary>A passphrase from <paramref name="file"/> (first line), the environment variable <paramref name="variable"/>, or a prompt (twice with <paramref name="confirm"/>).</summary>
    public static char[] Secret(FileInfo? file, string variable, string option, string what, bool confirm)
    {
        if (file is not null)
        {
            using var reader = new StreamReader(file.FullName, Encoding.UTF8);
            return (reader.ReadLine() ?? string.Empty).ToCharArray();
        }

        if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } fromEnvironment)
        {
            return fromEnvironment.ToCharArray();
        }

        if (Console.IsInputRedirected)
        {
            throw new UsageException($"No {what}: set {variable} or pass {option}.");
        }

        var passphrase = AnsiConsole.Prompt(new TextPrompt<string>($"{char.ToUpperInvariant(what[0])}{what[1..]}:").Secret());
        if (confirm && AnsiConsole.Prompt(new TextPrompt<string>("Again:").Secret()) != passphrase)
        {
            throw new UsageException($"The two {what}s differ.");
        }

        return passphrase.ToCharArray();
    }

    public static CourierNode Open(ParseResult parse)
    {
        var passphrase = Passphrase(parse, confirm: false);
        try
        {
            var route = parse.GetValue(Route) == "direct" ? RelayRoute.Direct : RelayRoute.Mix;
            return CourierNode.Open(HomeOf(parse), passphrase, new NodeOptions { Bind = parse.GetValue(Bind), Route = route, CoverRate = parse.GetValue(CoverRate) });
        }
        finally
        {
            Array.Clear(passphrase);
        }
    }
}

/// <summary>A mistake in how the command was called: exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
