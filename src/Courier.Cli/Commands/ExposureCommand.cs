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
        Show what a person holding this unlocked device would learn from its vault: every code name it knows (yours and others'), layers and their relays, cells and their members, contacts and who introduced whom, liaison links, bulletin authorities and shares (none exist yet), and how much message history over what time window. Read from the vault; nothing is sent. See docs/exposure.md.
        """;

    internal static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static Command Create()
    {
        var exposure = new Command("exposure", Description) { NodeCommandOptions.Json };
        exposure.SetAction(parse => CommandRunner.Run(() =>
        {
            using var node = NodeCommandOptions.Open(parse);
            var report = node.ReportExposure();
            if (parse.GetValue(NodeCommandOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(report, JsonOptions));
            }
            else
            {
                Print(report);
            }

            return Task.CompletedTask;
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
        Section("bulletins (not built yet: always empty)", ["authorities", "shares"], report.Bulletins.Authorities.Count + report.Bulletins.Shares.Count == 0 ? [] : [[string.Join(", ", report.Bulletins.Authorities), string.Join(", ", report.Bulletins.Shares)]]);
        var history = report.History;
        Section("message history", ["cell", "texts", "files", "file bytes", "forwarded", "from", "to"], history.Cells.Select(c => new[]
        {
            c.Cell, Number(c.Texts), Number(c.Files), Number(c.FileBytes), Number(c.Forwarded), Time(c.First), Time(c.Last),
        }));
        Console.WriteLine(history.First is { } first
            ? $"{Number(history.Messages)} messages received from {Time(first)} to {Time(history.Last!.Value)}; {Number(history.Waiting)} sent and waiting in the outboxes"
            : $"no messages received; {Number(history.Waiting)} sent and waiting in the outboxes");
    }

    private static void Section(string title, string[] columns, IEnumerable<string[]> rows)
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

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
