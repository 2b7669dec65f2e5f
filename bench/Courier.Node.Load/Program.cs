using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Courier.Node.Load;

// Usage: Courier.Node.Load [--members 5,100] [--messages N] [--file-mib M] [--add-batch B] [--quick]
// For each cell size, through one relay process (courier relay serve, SQLite): the same traffic
// through CourierNode (each member its own vault) and through bare Cell objects (no vault). One
// member sends M 100-byte texts, every other member syncs and must receive exactly them; then one
// member sends a file and another receives it; before the measured runs, 100 messages and a small
// file go through each path unmeasured (warm-up). The messages are measured twice per path, the paths
// alternating (node, library, node, library), and the faster run of each path is reported: the first
// run after the warm-up still pays for the JIT compiler's later tiers, in this process and in the
// relay's, whichever path it is. Progress on stderr, one JSON object on the last line.
// Usage: Courier.Node.Load --panic N: how long courier panic takes on a vault of N messages (PanicBench);
// --duress-open: how long opening takes with each passphrase, with and without a duress vault (DuressOpenBench).
var panicMessages = Value("--panic");
if (panicMessages is not null || args.Contains("--duress-open"))
{
    var panicRoot = Directory.CreateTempSubdirectory("courier-panic-").FullName;
    try
    {
        Console.WriteLine((panicMessages is null ? DuressOpenBench.Run(panicRoot) : PanicBench.Run(panicRoot, int.Parse(panicMessages, CultureInfo.InvariantCulture))).ToJsonString());
        return 0;
    }
    finally
    {
        Directory.Delete(panicRoot, recursive: true);
    }
}

var quick = args.Contains("--quick");
var sizes = (Value("--members") ?? (quick ? "3,8" : "5,100")).Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
var fixedMessages = Value("--messages") is { } m ? int.Parse(m, CultureInfo.InvariantCulture) : (int?)null;
var fileMib = int.Parse(Value("--file-mib") ?? (quick ? "1" : "64"), CultureInfo.InvariantCulture);

// Members added per commit: one commit (all KeyPackages) and its Welcome (the whole tree) must each fit a 64 KiB envelope.
var addBatch = int.Parse(Value("--add-batch") ?? "25", CultureInfo.InvariantCulture);
if (sizes.Any(s => s < 3) || fileMib < 1 || addBatch < 1 || fixedMessages < 1)
{
    Console.Error.WriteLine("cells have at least 3 members (a sender, a file sender and a file receiver); --file-mib, --messages and --add-batch are positive");
    return 2;
}

const int WarmUpMib = 4;
const int WarmUpMessages = 100;
const int MessageRuns = 2;
var started = Stopwatch.StartNew();
var loadAtStart = LoadAverage();
var root = Directory.CreateTempSubdirectory("courier-node-load-").FullName;
var results = new JsonArray();
try
{
    using var relay = await RelayProcess.StartAsync(Path.Combine(root, "relay"));
    Progress($"relay process at {relay.Address} ({string.Join(' ', RelayProcess.Options)})");
    foreach (var members in sizes)
    {
        var messages = fixedMessages ?? (quick ? 20 : members <= 10 ? 500 : 200);
        var phases = new JsonObject();
        var dir = Directory.CreateDirectory(Path.Combine(root, $"cell-{members}")).FullName;

        var clock = Stopwatch.StartNew();
        Progress($"cell of {members}: node setup");
        using var node = await NodeCell.CreateAsync(relay.Address, dir, members, addBatch, Progress);
        phases["node_setup_s"] = Seconds(clock.Elapsed);
        clock.Restart();
        Progress($"cell of {members}: library setup");
        using var library = await LibraryCell.CreateAsync(relay.Address, members, addBatch, Progress);
        phases["library_setup_s"] = Seconds(clock.Elapsed);

        // Both paths warmed up first, unmeasured: the first run of a path pays the JIT compiler
        // (the node's path ran first and paid for code both share), which is not what is compared.
        Progress($"cell of {members}: warm-up ({WarmUpMessages} messages and a {WarmUpMib} MiB file through each path, not measured)");
        var warmUp = RandomNumberGenerator.GetBytes(WarmUpMib * 1024 * 1024);
        var warmUpPath = Path.Combine(dir, "warm-up.bin");
        await File.WriteAllBytesAsync(warmUpPath, warmUp);
        foreach (var (cell, name) in new IBenchCell[] { node, library }.Select((c, i) => (c, i == 0 ? "node" : "library")))
        {
            await MessagesAsync(cell, Texts(WarmUpMessages, "w"));
            await FileAsync(cell, warmUpPath, warmUp, Directory.CreateDirectory(Path.Combine(dir, "warm-up-" + name)).FullName);
            for (var member = 0; member < members; member++)
            {
                // The others take the warm-up file out of the drop too, so that the measured phases receive only their own.
                await cell.SyncAsync(member);
            }
        }

        // The two paths alternating, so that drifting load on the machine affects both alike; the faster run of each counts.
        (MessagePhase Phase, JsonObject Requests)? nodeBest = null, libraryBest = null;
        for (var run = 1; run <= MessageRuns; run++)
        {
            foreach (var (cell, name) in new IBenchCell[] { node, library }.Select((c, i) => (c, i == 0 ? "nodes" : "library")))
            {
                Progress($"cell of {members}: {messages} messages through the {name} (run {run} of {MessageRuns})");
                var measured = await MeasuredMessagesAsync(cell, Texts(messages, $"{run}"), relay.Address);
                ref var best = ref (cell == node ? ref nodeBest : ref libraryBest);
                if (best is null || measured.Phase.Rate > best.Value.Phase.Rate)
                {
                    best = measured;
                }
            }
        }

        var (nodeMessages, nodeRequests) = nodeBest!.Value;
        var (libraryMessages, libraryRequests) = libraryBest!.Value;

        var file = RandomNumberGenerator.GetBytes(fileMib * 1024 * 1024);
        var path = Path.Combine(dir, "load.bin");
        await File.WriteAllBytesAsync(path, file);
        Progress($"cell of {members}: {fileMib} MiB file through the nodes");
        var nodeFile = await FileAsync(node, path, file, Directory.CreateDirectory(Path.Combine(dir, "saved")).FullName);
        Progress($"cell of {members}: {fileMib} MiB file through the library");
        var libraryFile = await FileAsync(library, path, file, dir);
        File.Delete(path);

        var nodeResult = Combine(nodeMessages, nodeFile);
        var libraryResult = Combine(libraryMessages, libraryFile);
        nodeResult["relay_requests_per_message"] = nodeRequests;
        libraryResult["relay_requests_per_message"] = libraryRequests;
        results.Add(new JsonObject
        {
            ["members"] = members,
            ["messages"] = messages,
            ["message_bytes"] = 100,
            ["file_mib"] = fileMib,
            ["node"] = nodeResult,
            ["library"] = libraryResult,
            ["node_vs_library_messages_per_s"] = Ratio(nodeMessages.Rate, libraryMessages.Rate),
            ["node_vs_library_file_s"] = Ratio(nodeFile.Seconds, libraryFile.Seconds),
            ["phase_s"] = phases,
        });
        phases["node_messages_s"] = Seconds(nodeMessages.Send + nodeMessages.Receive);
        phases["library_messages_s"] = Seconds(libraryMessages.Send + libraryMessages.Receive);
        phases["node_file_s"] = nodeFile.Seconds;
        phases["library_file_s"] = libraryFile.Seconds;
        Progress($"cell of {members}: {nodeResult.ToJsonString()} | library {libraryResult.ToJsonString()}");
    }
}
finally
{
    Directory.Delete(root, recursive: true);
}

var smallest = results.MinBy(r => (int)r!["members"]!)!;
var largest = results.MaxBy(r => (int)r!["members"]!)!;
var summary = new JsonObject
{
    ["tool"] = "Courier.Node.Load",
    ["nproc"] = Environment.ProcessorCount,
    ["load_average_start"] = loadAtStart,
    ["load_average_end"] = LoadAverage(),
    ["seconds"] = Seconds(started.Elapsed),
    ["relay"] = "courier relay serve --store sqlite " + string.Join(' ', RelayProcess.Options),
    ["cells"] = results,
    ["ratios"] = new JsonObject
    {
        ["node_vs_library_messages_per_s"] = ByMembers(r => r["node_vs_library_messages_per_s"]!.GetValue<double>()),
        ["node_vs_library_file_s"] = ByMembers(r => r["node_vs_library_file_s"]!.GetValue<double>()),
        ["vault_bytes_per_message_sent_largest_vs_smallest"] = smallest == largest ? null : Ratio(VaultBytes(largest, "sent"), VaultBytes(smallest, "sent")),
        ["vault_bytes_per_message_received_largest_vs_smallest"] = smallest == largest ? null : Ratio(VaultBytes(largest, "received"), VaultBytes(smallest, "received")),
        ["targets"] = "node_vs_library_messages_per_s at least 0.5; vault bytes per message at 100 members / at 5 at most 2; node_vs_library_file_s at most 2",
    },
};
Console.WriteLine(summary.ToJsonString());
return 0;

JsonObject ByMembers(Func<JsonNode, double> value)
{
    var o = new JsonObject();
    foreach (var r in results)
    {
        o[((int)r!["members"]!).ToString(CultureInfo.InvariantCulture)] = value(r);
    }

    return o;
}

static double VaultBytes(JsonNode cell, string side) => cell["node"]!["vault_bytes_per_message_" + side]!.GetValue<double>();

// MessagesAsync, and the relay's requests per message meanwhile.
static async Task<(MessagePhase Phase, JsonObject Requests)> MeasuredMessagesAsync(IBenchCell cell, IReadOnlyList<string> texts, Uri relay)
{
    var before = await RelayRequests.ReadAsync(relay);
    var phase = await MessagesAsync(cell, texts);
    var after = await RelayRequests.ReadAsync(relay);
    return (phase, new JsonObject(RelayRequests.PerMessage(before, after, texts.Count).Select(r => KeyValuePair.Create(r.Key, (JsonNode?)r.Value))));
}

// 100-byte texts, distinct per run so that a receiver cannot mistake one run's for another's.
static List<string> Texts(int count, string run) => Enumerable.Range(0, count).Select(i => $"{run}-{i:D6}".PadRight(100, 'x')).ToList();

// Member 0 sends every text; then each other member syncs once and must have received exactly them, in order.
static async Task<MessagePhase> MessagesAsync(IBenchCell cell, IReadOnlyList<string> texts)
{
    var before = VaultIo.Now();
    var clock = Stopwatch.StartNew();
    await cell.SendTextsAsync(texts);
    var send = clock.Elapsed;
    var afterSend = VaultIo.Now();
    var receive = TimeSpan.Zero;
    for (var member = 1; member < cell.Members; member++)
    {
        clock.Restart();
        var received = await cell.SyncAsync(member);
        receive += clock.Elapsed;
        if (!received.SequenceEqual(texts))
        {
            throw new InvalidOperationException($"member {member} received {received.Count} messages, {received.Intersect(texts).Count()} of them sent, instead of the {texts.Count} sent");
        }
    }

    var afterReceive = VaultIo.Now();
    return new MessagePhase(texts.Count, cell.Members - 1, send, receive, afterSend - before, afterReceive - afterSend);
}

// Member 1 sends the file; member 2 syncs and takes it out; the bytes are compared after the clock stopped.
static async Task<FilePhase> FileAsync(IBenchCell cell, string path, byte[] content, string directory)
{
    var before = VaultIo.Now();
    var clock = Stopwatch.StartNew();
    await cell.SendFileAsync(path, content);
    var send = clock.Elapsed;
    var afterSend = VaultIo.Now();
    var read = await cell.ReceiveFileAsync(directory);
    var total = clock.Elapsed;
    var afterReceive = VaultIo.Now();
    if (!read().AsSpan().SequenceEqual(content))
    {
        throw new InvalidOperationException("the file arrived altered");
    }

    return new FilePhase(Seconds(total), Seconds(send), afterSend - before, afterReceive - afterSend, content.Length);
}

static JsonObject Combine(MessagePhase messages, FilePhase file) => new()
{
    ["messages_per_s"] = Math.Round(messages.Rate, 1),
    ["send_messages_per_s"] = Math.Round(messages.Count / messages.Send.TotalSeconds, 1),
    ["send_s"] = Seconds(messages.Send),
    ["receive_all_s"] = Seconds(messages.Receive),
    ["vault_bytes_per_message_sent"] = Math.Round((double)messages.SendIo.WChar / messages.Count),
    ["vault_bytes_per_message_received"] = Math.Round((double)messages.ReceiveIo.WChar / (messages.Count * messages.Receivers)),
    ["disk_bytes_per_message_sent"] = Math.Round((double)messages.SendIo.WriteBytes / messages.Count),
    ["disk_bytes_per_message_received"] = Math.Round((double)messages.ReceiveIo.WriteBytes / (messages.Count * messages.Receivers)),
    ["file_s"] = file.Seconds,
    ["file_send_s"] = file.SendSeconds,
    ["file_vault_bytes_per_byte_sent"] = Math.Round((double)file.SendIo.WChar / file.Bytes, 2),
    ["file_vault_bytes_per_byte_received"] = Math.Round((double)file.ReceiveIo.WChar / file.Bytes, 2),
};

static double Seconds(TimeSpan t) => Math.Round(t.TotalSeconds, 2);

static double Ratio(double a, double b) => Math.Round(a / b, 3);

static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

static void Progress(string line) => Console.Error.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {line}");

string? Value(string name)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
}

internal readonly record struct MessagePhase(int Count, int Receivers, TimeSpan Send, TimeSpan Receive, VaultIo SendIo, VaultIo ReceiveIo)
{
    /// <summary>Messages per second from the first send to the last receiver's sync (receivers one after the other).</summary>
    public double Rate => Count / (Send + Receive).TotalSeconds;
}

internal readonly record struct FilePhase(double Seconds, double SendSeconds, VaultIo SendIo, VaultIo ReceiveIo, long Bytes);
