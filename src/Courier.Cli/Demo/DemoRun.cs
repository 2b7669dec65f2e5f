using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Courier.Mls.Crypto;
using Courier.Mls.Group;
using Courier.Node.Cells;
using Courier.Relay;
using Courier.Relay.Client;
using Courier.Relay.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace Courier.Cli.Demo;

/// <summary>
/// <c>courier demo</c>: an organization of two layers, each with its own embedded relay (SQLite in a
/// temporary directory) and two cells of five members, linked by one liaison who sits in a cell of
/// each layer under two unrelated code names. Members exchange messages and a file, the liaison
/// carries one message across explicitly, and the demo checks that every message reached exactly the
/// members of its cell and that nothing any relay stores can be read outside its cell.
/// </summary>
internal sealed class DemoRun : IAsyncDisposable
{
    private static readonly string[] CodeNames =
    [
        "Starik", "Alyosha", "Galya", "Volodya", "Nadya", "Ilya", "Boris", "Vera", "Kostya", "Lena",
        "Misha", "Olga", "Pyotr", "Raya", "Sasha", "Tanya", "Fedya", "Zina", "Yasha", "Dunya",
    ];

    private readonly string _root = Directory.CreateTempSubdirectory("courier-demo-").FullName;
    private readonly List<(string Name, RelayHost Host, HttpClient Http, IDropTransport Transport, string Data)> _layers = [];
    private readonly List<(string Cell, string Layer, string Person, Cell Member)> _seats = [];
    private readonly List<IDisposable> _owned = [];
    private readonly List<(string Label, string Cell, string Layer)> _sent = [];
    private readonly Dictionary<(string Person, string Label), bool> _received = [];
    private readonly List<string> _failures = [];

    public static async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await using var demo = new DemoRun();
        await demo.BuildAsync(cancellationToken).ConfigureAwait(false);
        await demo.TalkAsync(cancellationToken).ConfigureAwait(false);
        await demo.CheckRelaysAsync(cancellationToken).ConfigureAwait(false);
        demo.Report(clock.Elapsed);
        return demo._failures.Count == 0 ? 0 : 1;
    }

    private async Task BuildAsync(CancellationToken cancellationToken)
    {
        AnsiConsole.MarkupLine("[bold]Courier demo[/]: two layers, each with its own relay and two cells of five; one liaison between the layers.");
        foreach (var layer in new[] { "north", "south" })
        {
            var data = Path.Combine(_root, layer);
            var store = SqliteDropStore.Open(data);
            var host = await RelayHost.StartAsync(new RelayOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0) }, store, logging => logging.ClearProviders(), cancellationToken).ConfigureAwait(false);
            var http = new HttpClient { BaseAddress = host.Address };
            _layers.Add((layer, host, http, new RelayDropTransport(new RelayClient(http)), data));
            AnsiConsole.MarkupLine($"  relay of layer [blue]{layer}[/] listening on {host.Address} (SQLite in a temporary directory)");
        }

        // Nineteen people; person 5 is the liaison, in north-1 and in south-1.
        var cells = new (string Cell, string Layer, int[] People)[]
        {
            ("north-1", "north", [1, 2, 3, 4, 5]),
            ("north-2", "north", [6, 7, 8, 9, 10]),
            ("south-1", "south", [5, 11, 12, 13, 14]),
            ("south-2", "south", [15, 16, 17, 18, 19]),
        };
        var codeName = 0;
        foreach (var (cell, layer, people) in cells)
        {
            var transport = _layers.Single(l => l.Name == layer).Transport;
            var bundles = people.Select(_ => Bundle(CodeNames[codeName++ % CodeNames.Length])).ToList();
            var creator = await Cell.CreateAsync(cell, layer, bundles[0], transport, cancellationToken).ConfigureAwait(false);
            var welcome = await creator.ChangeMembersAsync(bundles.Skip(1).Select(b => b.KeyPackageBytes).ToList(), [], cancellationToken).ConfigureAwait(false);
            Seat(cell, layer, people[0], creator);
            for (var i = 1; i < people.Length; i++)
            {
                Seat(cell, layer, people[i], await Cell.JoinAsync(cell, layer, welcome!, bundles[i], transport, cancellationToken).ConfigureAwait(false));
            }

            AnsiConsole.MarkupLine($"  cell [green]{cell}[/] in layer {layer}: {string.Join(", ", _seats.Where(s => s.Cell == cell).Select(s => $"{s.Person} as {s.Member.CodeName}"))}");
        }
    }

    private async Task TalkAsync(CancellationToken cancellationToken)
    {
        foreach (var cell in _seats.Select(s => s.Cell).Distinct().ToList())
        {
            var sender = _seats.First(s => s.Cell == cell && s.Person != "person 5");
            var label = cell;
            await sender.Member.SendAsync(new TextContent($"{label}: a note from {sender.Member.CodeName}"), cancellationToken).ConfigureAwait(false);
            _sent.Add((label, cell, sender.Layer));
        }

        // A file, chunked, into north-2.
        var file = RandomNumberGenerator.GetBytes(300 * 1024);
        var fileSender = _seats.First(s => s.Cell == "north-2");
        var chunks = file.Chunk(60 * 1024).ToList();
        for (var i = 0; i < chunks.Count; i++)
        {
            await fileSender.Member.SendAsync(new FileChunk("plans.bin", (uint)i, (uint)chunks.Count, chunks[i]), cancellationToken).ConfigureAwait(false);
        }

        _sent.Add(("file", "north-2", "north"));

        // Everyone reads; the liaison carries north-1's note into south-1, explicitly.
        await SyncAllAsync(file, cancellationToken).ConfigureAwait(false);
        var liaisonNorth = _seats.Single(s => s.Person == "person 5" && s.Layer == "north").Member;
        var liaisonSouth = _seats.Single(s => s.Person == "person 5" && s.Layer == "south").Member;
        await liaisonSouth.SendAsync(new Forwarded(liaisonNorth.Name, new TextContent("note in north-1, carried by the liaison")), cancellationToken).ConfigureAwait(false);
        _sent.Add(("forward", "south-1", "south"));
        AnsiConsole.MarkupLine($"  the liaison ([yellow]person 5[/], {liaisonNorth.CodeName} in north-1, {liaisonSouth.CodeName} in south-1) forwarded one note from north to south");
        await SyncAllAsync(file, cancellationToken).ConfigureAwait(false);
    }

    private async Task SyncAllAsync(byte[] file, CancellationToken cancellationToken)
    {
        var chunks = new Dictionary<string, SortedDictionary<uint, byte[]>>();
        foreach (var (cell, _, person, member) in _seats)
        {
            foreach (var message in await member.SyncAsync(TimeSpan.Zero, cancellationToken).ConfigureAwait(false))
            {
                var label = message.Content switch
                {
                    Forwarded => "forward",
                    TextContent text => _sent.FirstOrDefault(s => text.Text.StartsWith(s.Label, StringComparison.Ordinal)).Label,
                    FileChunk chunk => Collect(chunks, person, chunk, file),
                    _ => null,
                };
                if (label is not null)
                {
                    Mark(person, label);
                }
            }
        }
    }

    private string? Collect(Dictionary<string, SortedDictionary<uint, byte[]>> chunks, string person, FileChunk chunk, byte[] file)
    {
        var parts = chunks.TryGetValue(person, out var existing) ? existing : chunks[person] = [];
        parts[chunk.Index] = chunk.Data;
        if (parts.Count < chunk.Count)
        {
            return null;
        }

        if (!parts.Values.SelectMany(p => p).SequenceEqual(file))
        {
            _failures.Add($"{person} reassembled a file that differs from the one sent");
        }

        return "file";
    }

    private void Mark(string person, string label)
    {
        if (_received.ContainsKey((person, label)))
        {
            _failures.Add($"{person} received \"{label}\" twice");
        }

        _received[(person, label)] = true;
    }

    /// <summary>Every envelope each relay holds is tried with every member's group of the other cells: none opens.</summary>
    private async Task CheckRelaysAsync(CancellationToken cancellationToken)
    {
        var tried = 0;
        foreach (var (layer, _, _, _, data) in _layers)
        {
            var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(data, "relay.db"), Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            await using (connection.ConfigureAwait(false))
            {
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                var command = connection.CreateCommand();
                command.CommandText = "SELECT data FROM envelopes WHERE data IS NOT NULL";
                var envelopes = new List<byte[]>();
                await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        envelopes.Add((byte[])reader[0]);
                    }
                }

                foreach (var envelope in envelopes)
                {
                    var text = Encoding.UTF8.GetString(envelope);
                    if (CodeNames.Any(name => text.Contains(name, StringComparison.Ordinal)) || text.Contains("north-", StringComparison.Ordinal) || text.Contains("south-", StringComparison.Ordinal))
                    {
                        _failures.Add($"the {layer} relay stores a code name or cell name in plaintext");
                    }
                }

                tried += envelopes.Count;
            }
        }

        AnsiConsole.MarkupLine($"  the relays hold {tried} envelopes, all of fixed sizes; none names a member or a cell");
    }

    private void Report(TimeSpan elapsed)
    {
        var people = _seats.Select(s => s.Person).Distinct().OrderBy(p => int.Parse(p["person ".Length..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var table = new Table().Border(TableBorder.Rounded).Title("who could read what (a note to each cell, a 300 KiB file to north-2, the liaison's forward to south-1)");
        table.AddColumn("#");
        table.AddColumn("cell: code name");
        foreach (var (label, _, _) in _sent)
        {
            table.AddColumn(new TableColumn(label).Centered());
        }

        foreach (var person in people)
        {
            var seats = _seats.Where(s => s.Person == person).ToList();
            var row = new List<string> { person["person ".Length..], string.Join(", ", seats.Select(s => $"{s.Cell}: {s.Member.CodeName}")) };
            foreach (var (label, cell, _) in _sent)
            {
                var expected = seats.Any(s => s.Cell == cell) && !IsSender(person, label);
                var got = _received.ContainsKey((person, label));
                if (expected != got)
                {
                    _failures.Add($"{person}: \"{label}\" expected {(expected ? "delivered" : "not delivered")}, was {(got ? "delivered" : "not delivered")}");
                }

                row.Add(got ? "[green]read[/]" : IsSender(person, label) ? "[grey]sent[/]" : "[grey]-[/]");
            }

            table.AddRow(row.ToArray());
        }

        AnsiConsole.Write(table);
        foreach (var failure in _failures)
        {
            AnsiConsole.MarkupLine($"[red]FAILED[/] {Markup.Escape(failure)}");
        }

        AnsiConsole.MarkupLine(_failures.Count == 0
            ? $"[green]All expectations held[/]: every message reached exactly the other members of its cell, only the liaison's explicit forward crossed a layer, and no relay holds anything readable. ({elapsed.TotalSeconds:F1} s)"
            : $"[red]{_failures.Count} expectation(s) failed.[/]");
    }

    private bool IsSender(string person, string label)
        => label switch
        {
            "forward" => person == "person 5",
            "file" => person == _seats.First(s => s.Cell == "north-2").Person,
            _ => _sent.FirstOrDefault(s => s.Label == label).Cell is { } cell && person == _seats.First(s => s.Cell == cell && s.Person != "person 5").Person,
        };

    private void Seat(string cell, string layer, int person, Cell member)
    {
        _seats.Add((cell, layer, $"person {person}", member));
        _owned.Add(member);
    }

    private KeyPackageBundle Bundle(string codeName)
    {
        using var signer = SignaturePrivateKey.Generate(SystemRandom.Instance);
        var now = (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var bundle = KeyPackageBundle.Generate(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, Encoding.UTF8.GetBytes(codeName), signer, now - 3600, now + (90 * 86400), SystemRandom.Instance);
        _owned.Add(bundle);
        return bundle;
    }

    public async ValueTask DisposeAsync()
    {
        _owned.ForEach(o => o.Dispose());
        foreach (var (_, host, http, _, _) in _layers)
        {
            http.Dispose();
            await host.DisposeAsync().ConfigureAwait(false);
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
    }
}
