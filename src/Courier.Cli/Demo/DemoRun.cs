using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Courier.Node;
using Courier.Node.Cells;
using Courier.Node.Relay;
using Courier.Relay;
using Courier.Relay.Storage;
using Courier.Relay.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace Courier.Cli.Demo;

/// <summary>
/// <c>courier demo</c>: an organization of two layers, each of three embedded relays that mix (SQLite in
/// a temporary directory; every drop request travels as a Sphinx packet through the three, docs/mixnet.md)
/// and two cells of five members, linked by one liaison who sits in a cell of
/// each layer under two unrelated code names. Every person is a full node with its own vault. Each
/// cell's founder makes first contact with the other four by a shared phrase, creates the cell and
/// adds them; the Welcomes travel through the pairwise dead drops. Members exchange messages and a
/// file, the liaison carries one message across explicitly, and the demo checks that every message
/// reached exactly the other members of its cell and that no relay stores a code name or cell name.
/// </summary>
internal sealed class DemoRun : IAsyncDisposable
{
    private const string Liaison = "person 5";

    // The code names each person gives its founder at first contact (what the founder calls them).
    private static readonly string[] ContactNames =
    [
        "Starik", "Alyosha", "Galya", "Volodya", "Nadya", "Ilya", "Boris", "Vera", "Kostya", "Lena",
        "Misha", "Olga", "Pyotr", "Raya", "Sasha", "Tanya", "Fedya", "Zina", "Yasha", "Dunya",
    ];

    // Person 5 is the liaison: in north-1, and founder of south-1.
    private static readonly (string Cell, string Layer, int[] People)[] Organization =
    [
        ("north-1", "north", [1, 2, 3, 4, 5]),
        ("north-2", "north", [6, 7, 8, 9, 10]),
        ("south-1", "south", [5, 11, 12, 13, 14]),
        ("south-2", "south", [15, 16, 17, 18, 19]),
    ];

    private readonly string _root = Directory.CreateTempSubdirectory("courier-demo-").FullName;
    private readonly List<(string Name, RelayHost Host, string Data)> _relays = [];
    private readonly Dictionary<string, CourierNode> _people = [];
    private readonly List<(string Label, string Cell, string Sender)> _sent = [];
    private readonly Dictionary<(string Person, string Label), int> _received = [];
    private readonly List<string> _failures = [];
    private byte[] _file = [];

    /// <summary>Runs the demo; with <paramref name="maps"/>, writes each person's organization map sealed to the analyst key into the directory.</summary>
    public static async Task<int> RunAsync((DirectoryInfo Directory, byte[] AnalystKey)? maps, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await using var demo = new DemoRun();
        await demo.BuildAsync(cancellationToken).ConfigureAwait(false);
        await demo.TalkAsync(cancellationToken).ConfigureAwait(false);
        await demo.CheckRelaysAsync(cancellationToken).ConfigureAwait(false);
        if (maps is { } m)
        {
            await demo.ExportMapsAsync(m.Directory, m.AnalystKey).ConfigureAwait(false);
        }

        demo.Report(clock.Elapsed);
        return demo._failures.Count == 0 ? 0 : 1;
    }

    private async Task BuildAsync(CancellationToken cancellationToken)
    {
        AnsiConsole.MarkupLine("[bold]Courier demo[/]: two layers, each of three relays that mix, and two cells of five; one liaison between the layers.");
        foreach (var layer in new[] { "north", "south" })
        {
            var ends = Enumerable.Range(0, 3).Select(_ => new IPEndPoint(IPAddress.Loopback, FreePort())).ToList();
            foreach (var end in ends)
            {
                var data = Path.Combine(_root, $"relay-{layer}-{end.Port}");
                var mix = new Relay.Mix.MixOptions { DataDirectory = data, Peers = [.. ends.Where(e => e != end).Select(e => new Uri($"http://{e}/"))] };
                var host = await RelayHost.StartAsync(new RelayOptions { Listen = end, Mix = mix }, SqliteDropStore.Open(data), logging => logging.ClearProviders(), cancellationToken).ConfigureAwait(false);
                _relays.Add((layer, host, data));
            }

            AnsiConsole.MarkupLine($"  layer [blue]{layer}[/]: three relays that mix, on {string.Join(", ", RelaysOf(layer).Select(h => h.Address))} (SQLite in a temporary directory)");
        }

        // Demo vaults are thrown away at the end: cheap key stretching keeps the demo fast; short mix delays too.
        var options = new NodeOptions { Kdf = new VaultKdfParameters(VaultKdfParameters.MinMemoryKiB, 1), MixDelay = TimeSpan.FromMilliseconds(5) };
        foreach (var person in Organization.SelectMany(c => c.People).Distinct())
        {
            var node = _people[Person(person)] = CourierNode.Init(Path.Combine(_root, $"person-{person}"), Convert.ToHexString(RandomNumberGenerator.GetBytes(16)), options);
            // Each person knows the layers of its cells with their relays' mix identity keys, so its drop requests go through the mix.
            foreach (var layer in Organization.Where(c => c.People.Contains(person)).Select(c => c.Layer).Distinct())
            {
                node.CreateLayer(layer, [.. RelaysOf(layer).Select(h => h.Address)], mixPins: [.. RelaysOf(layer).Select(h => h.MixIdentityKey!)]);
            }
        }

        foreach (var (cell, layer, people) in Organization)
        {
            // First contact on one of the layer's relays (nameplates are direct; pairwise drops go through the mix).
            var address = RelaysOf(layer)[0].Address;
            var founder = _people[Person(people[0])];
            var names = new List<string>();
            foreach (var person in people.Skip(1))
            {
                var name = ContactNames[person % ContactNames.Length];
                using var invitation = await founder.InviteAsync(address, phrase: $"the {cell} meets at dawn {person}", cancellationToken: cancellationToken).ConfigureAwait(false);
                var accepted = _people[Person(person)].AcceptAsync(address, invitation.Code, name, cancellationToken);
                var atFounder = await invitation.CompleteAsync(cancellationToken).ConfigureAwait(false);
                Expect((await accepted.ConfigureAwait(false)).Fingerprint == atFounder.Fingerprint, $"{Person(person)} and the founder of {cell} see different fingerprints");
                names.Add(name);
            }

            await founder.CreateCellAsync(cell, layer, cancellationToken: cancellationToken).ConfigureAwait(false);
            await founder.AddToCellAsync(cell, names, cancellationToken).ConfigureAwait(false);
            foreach (var person in people.Skip(1))
            {
                var joined = (await _people[Person(person)].SyncAsync(cancellationToken).ConfigureAwait(false)).Contacts.JoinedCells;
                Expect(joined.SequenceEqual([cell]), $"{Person(person)} joined {string.Join(", ", joined)} instead of {cell}");
            }

            AnsiConsole.MarkupLine($"  cell [green]{cell}[/] in layer {layer}: founder made first contact by phrase with four people (each pair saw the same fingerprint) and added them; {string.Join(", ", people.Select(p => $"{Person(p)} as {CodeNameIn(Person(p), cell)}"))}");
        }
    }

    private async Task TalkAsync(CancellationToken cancellationToken)
    {
        foreach (var (cell, _, people) in Organization)
        {
            var sender = Person(people.First(p => Person(p) != Liaison));
            await _people[sender].SendAsync(cell, $"{cell}: a note from {CodeNameIn(sender, cell)}", cancellationToken).ConfigureAwait(false);
            _sent.Add((cell, cell, sender));
        }

        // A file, in chunks, into north-2.
        _file = RandomNumberGenerator.GetBytes(300 * 1024);
        var path = Path.Combine(_root, "plans.bin");
        await File.WriteAllBytesAsync(path, _file, cancellationToken).ConfigureAwait(false);
        var fileSender = Person(Organization.Single(c => c.Cell == "north-2").People[1]);
        await _people[fileSender].SendFileAsync("north-2", path, null, cancellationToken).ConfigureAwait(false);
        _sent.Add(("file", "north-2", fileSender));

        // Everyone reads; the liaison carries north-1's note into south-1, explicitly.
        await SyncAllAsync(cancellationToken).ConfigureAwait(false);
        var liaison = _people[Liaison];
        var note = liaison.Inbox().First(m => m.Cell == "north-1");
        await liaison.ForwardAsync(note.Id, "south-1", cancellationToken).ConfigureAwait(false);
        _sent.Add(("forward", "south-1", Liaison));
        AnsiConsole.MarkupLine($"  the liaison ([yellow]{Liaison}[/], {CodeNameIn(Liaison, "north-1")} in north-1, {CodeNameIn(Liaison, "south-1")} in south-1) forwarded one note from north to south");
        await SyncAllAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task SyncAllAsync(CancellationToken cancellationToken)
    {
        foreach (var (person, node) in _people)
        {
            foreach (var message in (await node.SyncAsync(cancellationToken).ConfigureAwait(false)).Received)
            {
                var label = message switch
                {
                    { ForwardedFrom: not null } => "forward",
                    { FileName: not null } => CheckFile(node, person, message),
                    { Text: { } text } => _sent.FirstOrDefault(s => text.StartsWith(s.Label + ":", StringComparison.Ordinal)).Label,
                    _ => null,
                };
                if (label is not null)
                {
                    _received[(person, label)] = _received.GetValueOrDefault((person, label)) + 1;
                }
            }
        }
    }

    private string CheckFile(CourierNode node, string person, InboxMessage message)
    {
        var path = Path.Combine(_root, $"received-{person}-{message.Id}");
        node.SaveFile(message.Id, path);
        Expect(File.ReadAllBytes(path).AsSpan().SequenceEqual(_file), $"{person} reassembled a file that differs from the one sent");
        return "file";
    }

    /// <summary>Every envelope each relay holds is searched for any code name or cell name, in UTF-8 and UTF-16.</summary>
    private async Task CheckRelaysAsync(CancellationToken cancellationToken)
    {
        var names = ContactNames.Concat(Organization.Select(c => c.Cell))
            .Concat(_people.Values.SelectMany(n => n.Cells).SelectMany(c => c.Members))
            .Distinct().ToList();
        var total = 0;
        foreach (var (layer, _, data) in _relays)
        {
            var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(data, "relay.db"), Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            await using (connection.ConfigureAwait(false))
            {
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                var command = connection.CreateCommand();
                command.CommandText = "SELECT data FROM envelopes WHERE data IS NOT NULL";
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var envelope = (byte[])reader[0];
                    total++;
                    foreach (var name in names)
                    {
                        Expect(envelope.AsSpan().IndexOf(Encoding.UTF8.GetBytes(name)) < 0 && envelope.AsSpan().IndexOf(Encoding.Unicode.GetBytes(name)) < 0, $"the {layer} relay stores the name \"{name}\" in plaintext");
                    }
                }
            }
        }

        AnsiConsole.MarkupLine($"  the relays hold {total} envelopes, all of fixed sizes; none names a member or a cell");

        // Every drop request went through the mix: none reached a relay's drop endpoints directly.
        long performed = 0, direct = 0;
        foreach (var (_, host, _) in _relays)
        {
            using var http = new HttpClient { BaseAddress = host.Address };
            foreach (var line in (await http.GetStringAsync("/metrics", cancellationToken).ConfigureAwait(false)).Split('\n'))
            {
                long Count() => long.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
                performed += line.StartsWith("courier_mix_packets_total{outcome=\"performed\"}", StringComparison.Ordinal) ? Count() : 0;
                direct += new[] { "create_drop", "append", "fetch", "trim" }.Any(r => line.StartsWith($"courier_relay_requests_total{{route=\"{r}\",", StringComparison.Ordinal)) ? Count() : 0;
            }
        }

        Expect(performed > 0 && direct == 0, $"{direct} drop requests reached a relay directly ({performed} through the mix)");
        AnsiConsole.MarkupLine($"  {performed} drop requests travelled as Sphinx packets through three relays each, and {direct} directly (first contact's nameplates are direct)");
    }

    private async Task ExportMapsAsync(DirectoryInfo directory, byte[] analystKey)
    {
        directory.Create();
        foreach (var (person, node) in _people)
        {
            await File.WriteAllBytesAsync(Path.Combine(directory.FullName, $"{person.Replace(' ', '-')}.map"), await node.ExportMapAsync(analystKey).ConfigureAwait(false)).ConfigureAwait(false);
        }

        AnsiConsole.MarkupLine($"  each person's organization map, sealed to the analyst key, is in {Markup.Escape(directory.FullName)}");
    }

    private void Report(TimeSpan elapsed)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("who could read what (a note to each cell, a 300 KiB file to north-2, the liaison's forward to south-1)");
        table.AddColumn("#");
        table.AddColumn("cell: code name");
        foreach (var (label, _, _) in _sent)
        {
            table.AddColumn(new TableColumn(label).Centered());
        }

        foreach (var (person, node) in _people.OrderBy(p => int.Parse(p.Key["person ".Length..], System.Globalization.CultureInfo.InvariantCulture)))
        {
            var cells = node.Cells;
            var row = new List<string> { person["person ".Length..], string.Join(", ", cells.Select(c => $"{c.Name}: {c.CodeName}")) };
            foreach (var (label, cell, sender) in _sent)
            {
                var expected = cells.Any(c => c.Name == cell) && person != sender ? 1 : 0;
                var got = _received.GetValueOrDefault((person, label));
                Expect(expected == got, $"{person}: \"{label}\" expected {expected} time(s), received {got} time(s)");
                row.Add(got > 0 ? "[green]read[/]" : person == sender ? "[grey]sent[/]" : "[grey]-[/]");
            }

            table.AddRow(row.ToArray());
        }

        AnsiConsole.Write(table);
        foreach (var failure in _failures)
        {
            AnsiConsole.MarkupLine($"[red]FAILED[/] {Markup.Escape(failure)}");
        }

        AnsiConsole.MarkupLine(_failures.Count == 0
            ? $"[green]All expectations held[/]: every message reached exactly the other members of its cell, once; only the liaison's explicit forward crossed a layer; no relay holds a code name or cell name. ({elapsed.TotalSeconds:F1} s)"
            : $"[red]{_failures.Count} expectation(s) failed.[/]");
    }

    private string CodeNameIn(string person, string cell) => _people[person].Cells.Single(c => c.Name == cell).CodeName;

    private void Expect(bool holds, string failure)
    {
        if (!holds)
        {
            _failures.Add(failure);
        }
    }

    private static string Person(int number) => $"person {number}";

    private List<RelayHost> RelaysOf(string layer) => [.. _relays.Where(r => r.Name == layer).Select(r => r.Host)];

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _people.Values)
        {
            node.Dispose();
        }

        foreach (var (_, host, _) in _relays)
        {
            await host.DisposeAsync().ConfigureAwait(false);
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
    }
}
