using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Courier.Mls.Crypto;
using Courier.Mls.Group;
using Courier.Node.Cells;
using Courier.Relay;
using Courier.Relay.Client;
using Courier.Relay.Storage;
using Microsoft.Extensions.Logging;

// Usage: Courier.Node.Load [--messages N] [--file-mib M]
// End to end through an embedded SQLite relay (durable appends): a member of a 5-member cell sends,
// the relay stores, and every other member fetches and decrypts. Prints progress to stderr and one
// JSON object on the last line of stdout.
var messages = Option("--messages", 2000);
var fileMib = Option("--file-mib", 64);

var root = Directory.CreateTempSubdirectory("courier-load-").FullName;
try
{
    await using var relay = await RelayHost.StartAsync(new RelayOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0), MaxEnvelopesPerDrop = 1_000_000, RequestsPerSecondPerClient = 0 }, SqliteDropStore.Open(root), l => l.ClearProviders());
    using var http = new HttpClient { BaseAddress = relay.Address };
    var transport = new RelayDropTransport(new RelayClient(http));
    var cell = await CellAsync(transport);

    // Messages: 100-byte texts, sent by one member, decrypted by the four others.
    var text = new TextContent(new string('x', 100));
    var clock = Stopwatch.StartNew();
    for (var i = 0; i < messages; i++)
    {
        await cell[0].SendAsync(text);
        if (i % 200 == 199)
        {
            Console.Error.WriteLine($"sent {i + 1}/{messages}");
        }
    }

    var received = 0;
    foreach (var member in cell.Skip(1))
    {
        received += (await member.SyncAsync()).Count;
    }

    var messageSeconds = clock.Elapsed.TotalSeconds;
    if (received != messages * 4)
    {
        throw new InvalidOperationException($"expected {messages * 4} deliveries, got {received}");
    }

    // A file in 60 KiB chunks, each a 64 KiB envelope.
    var file = RandomNumberGenerator.GetBytes(fileMib * 1024 * 1024);
    var chunks = file.Chunk(60 * 1024).ToList();
    clock.Restart();
    for (var i = 0; i < chunks.Count; i++)
    {
        await cell[1].SendAsync(new FileChunk("load.bin", (uint)i, (uint)chunks.Count, chunks[i]));
        if (i % 128 == 127)
        {
            Console.Error.WriteLine($"file: {(i + 1) * 60 / 1024} MiB of {fileMib} MiB sent");
        }
    }

    var sendSeconds = clock.Elapsed.TotalSeconds;
    var reassembled = (await cell[2].SyncAsync()).Select(m => (FileChunk)m.Content).OrderBy(c => c.Index).SelectMany(c => c.Data).ToArray();
    var fileSeconds = clock.Elapsed.TotalSeconds;
    if (!reassembled.AsSpan().SequenceEqual(file))
    {
        throw new InvalidOperationException("the file arrived altered");
    }

    Console.WriteLine(JsonSerializer.Serialize(new
    {
        cell_members = 5,
        messages,
        message_bytes = 100,
        end_to_end_messages_per_s = Math.Round(messages / messageSeconds, 1),
        deliveries_per_s = Math.Round(messages * 4 / messageSeconds, 1),
        file_mib = fileMib,
        file_send_mib_per_s = Math.Round(fileMib / sendSeconds, 2),
        file_end_to_end_seconds = Math.Round(fileSeconds, 2),
        file_end_to_end_mib_per_s = Math.Round(fileMib / fileSeconds, 2),
    }));
    foreach (var member in cell)
    {
        member.Dispose();
    }
}
finally
{
    Directory.Delete(root, recursive: true);
}

int Option(string name, int fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
}

static async Task<List<Cell>> CellAsync(IDropTransport transport)
{
    var bundles = Enumerable.Range(0, 5).Select(i =>
    {
        using var signer = SignaturePrivateKey.Generate(SystemRandom.Instance);
        return KeyPackageBundle.Generate(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, Encoding.UTF8.GetBytes($"member {i}"), signer, 1_577_836_800, 4_102_444_800, SystemRandom.Instance);
    }).ToList();
    var cells = new List<Cell> { await Cell.CreateAsync("load", "layer", bundles[0], transport) };
    var welcome = await cells[0].ChangeMembersAsync(bundles.Skip(1).Select(b => b.KeyPackageBytes).ToList(), []);
    for (var i = 1; i < 5; i++)
    {
        cells.Add(await Cell.JoinAsync("load", "layer", welcome!, bundles[i], transport));
    }

    return cells;
}
