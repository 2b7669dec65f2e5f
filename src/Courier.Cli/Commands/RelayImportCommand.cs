using System.CommandLine;
using Courier.Node.Relay;

namespace Courier.Cli.Commands;

/// <summary><c>courier relay import FILE --relay URL</c>: a bundle handed to a running relay (docs/bundles.md).</summary>
internal static class RelayImportCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "The bundle, as 'courier bundle export' wrote it." };
        var relay = new Option<Uri>("--relay")
        {
            Description = "The relay to hand it to, by the address it prints for nodes (https://host:port/#sha256=<pin>, or http://127.0.0.1:port on this machine). It must run with --data (its identity key opens the bundle).",
            HelpName = "url",
            Required = true,
            CustomParser = result => NodeCommandOptions.ParseRelay(result, result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty),
        };
        var import = new Command("import", "Hand a bundle to a relay: it appends the messages sealed to it to their dead drops, each once, and the members fetch them as usual. Anyone may carry a bundle; only the cells' members could have written its messages. A bundle altered anywhere, cut short, or sealed to other relays is refused whole; importing one twice stores nothing.")
        {
            file, relay,
        };
        import.SetAction((parse, ct) => CommandRunner.RunAsync(async () =>
        {
            var bytes = await BundleCommand.ReadAsync(parse.GetValue(file)!, ct).ConfigureAwait(false);
            using var to = new HttpRelay(parse.GetValue(relay)!);
            var result = await to.ImportBundleAsync(bytes, ct).ConfigureAwait(false);
            Console.WriteLine($"appended {result.Appended} message(s); {result.Duplicates} the relay had already");
            if (result.UnknownDrops > 0)
            {
                Console.WriteLine($"{result.UnknownDrops} message(s) are for drops this relay does not have (another relay of the layer holds them, or they expired): skipped");
            }

            if (result.Full > 0)
            {
                Console.WriteLine($"{result.Full} message(s) are for full drops: skipped; their sender sends them again in the cell's next epoch");
            }
        }));
        return import;
    }
}
