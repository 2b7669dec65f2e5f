using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Courier.Node;
using Courier.Node.Exposure;
using Spectre.Console;

namespace Courier.Cli.Commands;

/// <summary><c>courier exposure</c>: what a person holding this unlocked device learns (docs/exposure.md).</summary>
internal static class ExposureCommand
{
    private const string Description = """
        Show what a person holding this unlocked device would learn from its vault: every code name it knows (yours and others'), layers and their relays, cells and their members, contacts and who introduced whom, liaison links, bulletin authorities and shares (none exist yet), the reserve shares it holds (never the share), and how much message history over what time window. Read from the vault; nothing is sent. See docs/exposure.md.
        Organization maps: the analyst prints an analyst key (--analyst-key) and hands it to members; a member who agrees writes what it knows of the organization (code names and links only) with --export-map FILE --analyst KEY, sealed so that only the analyst can open it, and hands the file over (it is never sent to a relay). The analyst merges maps with --cascade MAP... and sees, for the members named by --taken, which cells, layers and liaisons are exposed and in how many steps, and which single members are the most dangerous to lose; --svg FILE draws it.
        """;

    private static readonly Option<bool> PrintAnalystKey = new("--analyst-key") { Description = "Print this node's analyst key (made on first use), to hand to members who export maps for you." };

    private static readonly Option<FileInfo?> ExportMap = new("--export-map") { Description = "Write what this node knows of the organization (code names and links only), sealed to --analyst, to this new file.", HelpName = "file" };

    private static readonly Option<string?> Analyst = new("--analyst") { Description = "The analyst's key (64 hex digits, as 'courier exposure --analyst-key' prints it), for --export-map.", HelpName = "key" };

    private static readonly Option<FileInfo[]> CascadeMaps = new("--cascade")
    {
        Description = "Merge these maps (sealed to this node's analyst key) and show what a cascade of seizures reaches.",
        HelpName = "map",
        AllowMultipleArgumentsPerToken = true,
    };

    private static readonly Option<string[]> Taken = new("--taken")
    {
        Description = "With --cascade: the code names (any of a member's) of the members taken.",
        HelpName = "code-name",
        AllowMultipleArgumentsPerToken = true,
    };

    private static readonly Option<FileInfo?> Svg = new("--svg") { Description = "With --cascade: also draw the organization, exposed part highlighted, as SVG into this new file.", HelpName = "file" };

    internal static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static Command Create()
    {
        var exposure = new Command("exposure", Description) { NodeCommandOptions.Json, PrintAnalystKey, ExportMap, Analyst, CascadeMaps, Taken, Svg };
        exposure.SetAction((parse, ct) => CommandRunner.RunAsync(async () =>
        {
            var (export, maps) = (parse.GetValue(ExportMap), parse.GetValue(CascadeMaps) ?? []);
            if ((export is null) != (parse.GetValue(Analyst) is null) || (export is not null && maps.Length > 0)
                || (maps.Length == 0 && (parse.GetValue(Taken) is { Length: > 0 } || parse.GetValue(Svg) is not null)))
            {
                throw new UsageException("Give --export-map with --analyst, or --cascade MAP... (with --taken and --svg if wanted), or neither.");
            }

            using var node = NodeCommandOptions.Open(parse);
            if (parse.GetValue(PrintAnalystKey))
            {
                Console.WriteLine(Convert.ToHexStringLower(node.AnalystKey()));
                return;
            }

            if (export is not null)
            {
                var key = parse.GetValue(Analyst)!.Trim();
                if (key.Length != 64 || !key.All(Uri.IsHexDigit))
                {
                    throw new UsageException("An analyst key is 64 hex digits, as 'courier exposure --analyst-key' prints it.");
                }

                await New(export).ConfigureAwait(false);
                await BundleCommand.WriteNewAsync(export, await node.ExportMapAsync(Convert.FromHexString(key)).ConfigureAwait(false), ct).ConfigureAwait(false);
                Console.WriteLine($"map written to {export.FullName}: hand it to the analyst yourself (it is never sent to a relay)");
                return;
            }

            if (maps.Length > 0)
            {
                await CascadeOutput.RunAsync(node, maps, parse.GetValue(Taken) ?? [], parse.GetValue(Svg), parse.GetValue(NodeCommandOptions.Json), ct).ConfigureAwait(false);
                return;
            }

            var report = await node.ReportExposureAsync().ConfigureAwait(false);
            if (parse.GetValue(NodeCommandOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(report, JsonOptions));
            }
            else
            {
                Print(report);
            }
        }));
        return exposure;
    }

    private static void Print(ExposureReport report)
    {
        Section("code names", ["name", "whose", "where"], report.CodeNames.OrderBy(n => !n.Own).ThenBy(n => n.Where, StringComparer.Ordinal)
            .Select(n => new[] { n.Name, n.Own ? "yours" : "another's", n.Where }));
        Section("layers", ["layer", "relays"], report.Layers.Select(l => new[] { l.Name, string.Join(", ", l.Relays) }));
        Section("cells", ["cell", "layer", "relay", "your code name", "members"], report.Cells.Select(c => new[] { c.Name, c.Layer, c.Relay, c.IsMember ? c.CodeName : "(left)", string.Join(", ", c.Members) }));
        Section("cell invitations waiting", ["cell", "from", "relay"], report.PendingCells.Select(p => new[] { p.Cell, p.From, p.Relay }));
        Section("contacts", ["contact", "knows you as", "relay", "introduced by", "introduced as"], report.Contacts.Select(c => new[] { c.Name, c.OurCodeName, c.Relay, c.IntroducedByName ?? "-", c.IntroducedAs ?? "-" }));
        Section("introductions waiting", ["introducer", "introduced", "relay"], report.PendingIntroductions.Select(i => new[] { i.IntroducerName, i.PeerName, i.Relay }));
        Section("liaison links", ["liaison", "cell (layer)", "other side"], report.Liaisons.Select(l => new[]
        {
            l.Own ? $"you ({l.Member})" : l.Member,
            $"{l.Cell} ({l.Layer})",
            l.OtherCell is null ? "forwarded from another cell (unknown)" : $"{l.OtherMember} in {l.OtherCell} ({l.OtherLayer})",
        }));
        Section("bulletins (authorities followed; authority shares held)", ["authorities", "shares"], report.Bulletins.Authorities.Count + report.Bulletins.Shares.Count == 0 ? [] : [[string.Join(", ", report.Bulletins.Authorities), string.Join(", ", report.Bulletins.Shares)]]);
        Section("reserve shares held (never the share itself)", ["reserve", "k of n", "share", "designated by", "reserve cell", "you activated", "shares seen posted"], report.Reserves.Select(r => new[]
        {
            r.Id, $"{r.Threshold} of {r.Count}", Number(r.Number), r.DesignatedBy, r.Cell ?? "(left)", r.Activated ? "yes" : "no", Number(r.SharesSeen),
        }));
        var history = report.History;
        Section("message history", ["cell", "texts", "files", "file bytes", "forwarded", "from", "to"], history.Cells.Select(c => new[]
        {
            c.Cell, Number(c.Texts), Number(c.Files), Number(c.FileBytes), Number(c.Forwarded), Time(c.First), Time(c.Last),
        }));
        Console.WriteLine(history.First is { } first
            ? $"{Number(history.Messages)} messages received from {Time(first)} to {Time(history.Last!.Value)}; {Number(history.Waiting)} sent and waiting in the outboxes"
            : $"no messages received; {Number(history.Waiting)} sent and waiting in the outboxes");
    }

    /// <summary>Refuses a file that exists (nothing is overwritten).</summary>
    internal static Task New(FileInfo file) => file.Exists
        ? throw new UsageException($"{file.FullName} exists already: choose another name, or delete it first.")
        : Task.CompletedTask;

    internal static void Section(string title, string[] columns, IEnumerable<string[]> rows)
    {
        var list = rows.ToList();
        if (list.Count == 0)
        {
            Console.WriteLine($"{title}: none");
            return;
        }

        var table = new Table().Border(TableBorder.Rounded).Title(title);
        foreach (var column in columns)
        {
            table.AddColumn(column);
        }

        foreach (var row in list)
        {
            table.AddRow(row.Select(c => Markup.Escape(CellCommand.Printable(c))).ToArray());
        }

        AnsiConsole.Write(table);
    }

    internal static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
