using System.CommandLine;
using System.Diagnostics;
using System.Net;
using Courier.Node;
using Courier.Node.Relay;
using Courier.Ui;

namespace Courier.Cli.Commands;

/// <summary><c>courier ui</c>: the local web UI (docs/ui.md).</summary>
internal static class UiCommand
{
    public static Command Create()
    {
        var listen = new Option<IPEndPoint>("--listen")
        {
            Description = "The loopback address and port to listen on (only 127.0.0.1, [::1] or localhost: the UI is for this machine).",
            HelpName = "ip:port",
            DefaultValueFactory = _ => new IPEndPoint(IPAddress.Loopback, 7780),
            CustomParser = result =>
            {
                try
                {
                    return UiOptions.ParseListen(result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty);
                }
                catch (ArgumentException e)
                {
                    result.AddError(e.Message.Replace(" (Parameter 'text')", string.Empty, StringComparison.Ordinal));
                    return null;
                }
            },
        };
        var open = new Option<bool>("--open") { Description = "Open the UI's link in the default browser (xdg-open)." };
        var idle = new Option<int>("--idle-minutes")
        {
            Description = "Close the vault after this many minutes without a request from the page (the page then asks for the passphrase again).",
            DefaultValueFactory = _ => 10,
        };
        var ui = new Command("ui", "Start the local web UI: prints a link carrying a fresh secret token, to open in a browser on this machine; the vault is unlocked in the page. Ctrl+C stops it.")
        {
            listen, open, idle,
        };
        ui.SetAction((parse, ct) => CommandRunner.RunAsync(async () =>
        {
            if (parse.GetValue(idle) < 1)
            {
                throw new UsageException("--idle-minutes is at least 1.");
            }

            var route = parse.GetValue(NodeCommandOptions.Route) == "direct" ? RelayRoute.Direct : RelayRoute.Mix;
            var options = new UiOptions
            {
                Home = NodeCommandOptions.HomeOf(parse),
                Listen = parse.GetValue(listen)!,
                IdleTimeout = TimeSpan.FromMinutes(parse.GetValue(idle)),
                Node = new NodeOptions { Bind = parse.GetValue(NodeCommandOptions.Bind), Route = route, CoverRate = parse.GetValue(NodeCommandOptions.CoverRate) },
            };
            UiServer server;
            try
            {
                server = await UiServer.StartAsync(options, ct).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                throw new UsageException(e.Message);
            }

            await using (server.ConfigureAwait(false))
            {
                Console.WriteLine($"open {server.LoginUrl}");
                await Console.Error.WriteLineAsync("The link works for this run only and only from this machine; do not share it. Ctrl+C stops the UI.").ConfigureAwait(false);
                if (parse.GetValue(open))
                {
                    try
                    {
                        Process.Start(new ProcessStartInfo("xdg-open") { ArgumentList = { server.LoginUrl.ToString() }, UseShellExecute = false })?.Dispose();
                    }
                    catch (System.ComponentModel.Win32Exception)
                    {
                        await Console.Error.WriteLineAsync("No browser could be opened (xdg-open): open the link above yourself.").ConfigureAwait(false);
                    }
                }

                try
                {
                    await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    // Ctrl+C: the vault is closed as the server stops.
                }
            }
        }));
        return ui;
    }
}
