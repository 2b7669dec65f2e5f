using System.CommandLine;
using System.Globalization;
using Courier.Relay.Client.Bundles;
using Spectre.Console;

namespace Courier.Cli.Commands;

/// <summary><c>courier bundle export|import</c>: traffic carried as a file when no relay can be reached (docs/bundles.md).</summary>
internal static class BundleCommand
{
    private const string Description = """
        Carry traffic as a file when no relay can be reached: on a USB stick, as an email attachment, hidden in a photograph.
        A bundle is one of six sizes (64 KiB, 256 KiB, 1 MiB, 4 MiB, 16 MiB, 64 MiB) and every byte of it looks random: whoever carries or intercepts it learns neither the cells, nor the layers, nor the senders, nor how many recipients it has.
          1. 'courier bundle export --to FILE --all' writes what waits in your outbox (see 'courier outbox'), sealed to the relays of each cell's layer and to the cell's members. It stays in your outbox.
          2. Carry the file to anyone who runs a relay of the layer ('courier relay import FILE --relay URL'), or to a member of the cell ('courier bundle import FILE').
          3. Once your node reaches a relay again, 'courier sync' sends what waits as usual; a relay that already has it from the bundle stores nothing twice, and nobody reads anything twice.
        A relay can only take a bundle for a layer whose relays you pinned ('courier layer create ... --mix-pin KEY').
        """;

    public static Command Create()
    {
        var bundle = new Command("bundle", Description);
        bundle.Subcommands.Add(Export());
        bundle.Subcommands.Add(Import());
        return bundle;
    }

    private static Command Export()
    {
        var to = new Option<FileInfo>("--to") { Description = "The file to write (it must not exist yet).", HelpName = "file", Required = true };
        var cell = new Option<string?>("--cell") { Description = "Only what waits for this cell.", HelpName = "name" };
        var layer = new Option<string?>("--layer") { Description = "Only what waits for the cells of this layer.", HelpName = "name" };
        var all = new Option<bool>("--all") { Description = "What waits for every cell." };
        var since = new Option<string?>("--since")
        {
            Description = "Only what was queued since then: an age such as 30m, 12h or 3d, or a UTC date such as 2026-12-07 or 2026-12-07T18:00.",
            HelpName = "when",
        };
        var export = new Command("export", "Write what waits in your outbox into a bundle FILE for the relays of its layers and the members of its cells. Choose one of --cell, --layer or --all. Nothing leaves the outbox: it goes on waiting until your node sees it delivered.")
        {
            to, cell, layer, all, since,
        };
        export.Validators.Add(result =>
        {
            var chosen = (result.GetValue(cell) is null ? 0 : 1) + (result.GetValue(layer) is null ? 0 : 1) + (result.GetValue(all) ? 1 : 0);
            if (chosen != 1)
            {
                result.AddError("Choose what to export: one of --cell NAME, --layer NAME or --all.");
            }
        });
        export.SetAction((parse, ct) => CommandRunner.RunAsync(async () =>
        {
            var file = parse.GetValue(to)!;
            if (file.Exists)
            {
                throw new UsageException($"{file.FullName} exists already: choose another name, or delete it first.");
            }

            var from = parse.GetValue(since) is { } text ? ParseSince(text) : (DateTimeOffset?)null;
            using var node = NodeCommandOptions.Open(parse);
            Node.Bundles.BundleExport? made = null;
            if (Console.IsOutputRedirected)
            {
                made = await node.ExportBundleAsync(parse.GetValue(cell), parse.GetValue(layer), from, null, ct).ConfigureAwait(false);
            }
            else
            {
                await AnsiConsole.Progress().StartAsync(async progress =>
                {
                    var task = progress.AddTask("sealing", maxValue: 1);
                    made = await node.ExportBundleAsync(parse.GetValue(cell), parse.GetValue(layer), from, new Progress<double>(done => task.Value = done), ct).ConfigureAwait(false);
                    task.Value = 1;
                }).ConfigureAwait(false);
            }

            if (made!.Envelopes == 0)
            {
                Console.WriteLine("nothing waits to be delivered there: no bundle written");
                return;
            }

            await WriteNewAsync(file, made.Bundle, ct).ConfigureAwait(false);
            Console.WriteLine(CellCommand.Printable($"wrote {file.Name}: a {Size(made.Bundle.Length)} bundle of {made.Envelopes} message(s) of {string.Join(", ", made.Cells)}, for the relays of {string.Join(", ", made.Layers)} and the members"));
            Console.WriteLine("carry it to a relay of the layer ('courier relay import FILE --relay URL') or to a member ('courier bundle import FILE'); it stays in your outbox until your node sees it delivered");
        }));
        return export;
    }

    private static Command Import()
    {
        var file = new Argument<FileInfo>("file") { Description = "The bundle." };
        var import = new Command("import", "Read what a bundle carries for your cells, as if fetched from their drops, and print it. Everything else in it is ignored and nothing of it is kept. A bundle altered anywhere, cut short, or made for others is refused whole, and importing one twice adds nothing.")
        {
            file, NodeCommandOptions.Json,
        };
        import.SetAction((parse, ct) => CommandRunner.RunAsync(async () =>
        {
            var bytes = await ReadAsync(parse.GetValue(file)!, ct).ConfigureAwait(false);
            using var node = NodeCommandOptions.Open(parse);
            var received = await node.ImportBundleAsync(bytes, ct).ConfigureAwait(false);
            MessageCommands.Print(received, parse.GetValue(NodeCommandOptions.Json));
            if (!parse.GetValue(NodeCommandOptions.Json))
            {
                Console.WriteLine($"imported {received.Count} new message(s)");
            }
        }));
        return import;
    }

    /// <summary>A bundle file's bytes, refused before it is read whole when its size is none of the bundle sizes.</summary>
    public static async Task<byte[]> ReadAsync(FileInfo file, CancellationToken cancellationToken)
    {
        if (!file.Exists)
        {
            throw new UsageException($"{file.FullName} does not exist.");
        }

        if (!BundleFormat.IsSize(file.Length))
        {
            throw new BundleException(BundleRefusal.NotABundleSize, $"{file.Name} is {file.Length:N0} bytes, which is none of the bundle sizes (64 KiB, 256 KiB, 1 MiB, 4 MiB, 16 MiB, 64 MiB): it was cut short or is not a bundle. Nothing was imported.");
        }

        return await File.ReadAllBytesAsync(file.FullName, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="file"/> whole or not at all: a partial file never carries the final name.</summary>
    public static async Task WriteNewAsync(FileInfo file, byte[] bytes, CancellationToken cancellationToken)
    {
        var temporary = file.FullName + ".partial";
        await File.WriteAllBytesAsync(temporary, bytes, cancellationToken).ConfigureAwait(false);
        File.Move(temporary, file.FullName);
    }

    private static string Size(int bytes) => bytes >= 1 << 20 ? $"{bytes >> 20} MiB" : $"{bytes >> 10} KiB";

    private static DateTimeOffset ParseSince(string text)
    {
        if (text.Length > 1 && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && amount >= 0)
        {
            TimeSpan? age = text[^1] switch
            {
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                'd' => TimeSpan.FromDays(amount),
                _ => null,
            };
            if (age is { } a)
            {
                return DateTimeOffset.UtcNow - a;
            }
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : throw new UsageException($"--since '{text}' is neither an age (30m, 12h, 3d) nor a date (2026-12-07 or 2026-12-07T18:00, UTC).");
    }
}
