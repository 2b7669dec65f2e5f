using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;

namespace Courier.Cli.Tests;

/// <summary>
/// Cells end to end: the <c>courier</c> command of several nodes (each command a process of its
/// own) against real relay processes.
/// </summary>
public sealed class CellCommandTests : IDisposable
{
    private const string Cell = "north";

    private readonly CourierCli _cli = new();

    [Fact]
    public async Task A_cell_delivers_texts_and_files_to_its_members_and_nothing_to_a_contact_outside_it()
    {
        using var relay = await StartRelayAsync();
        var url = relay.Address.ToString();
        var names = await CreateCellAsync(url, ["b", "c"], outside: ["d"]);

        await Node("b", "send", Cell, "hello from b");
        var file = Path.Combine(_cli.Root, "report.bin");
        await File.WriteAllBytesAsync(file, RandomNumberGenerator.GetBytes(200_000));
        await Node("c", "send", Cell, "--file", file);
        await Each(["a", "b", "c"], m => Node(m, "sync"));

        var forA = await ReadAsync("a", Cell, save: true);
        Assert.Equal(2, forA.Count);
        Assert.Single(forA, m => m.Sender == names["b"] && m.Text == "hello from b");
        Assert.Single(forA, m => m.Sender == names["c"] && m is { File: "report.bin", Size: 200_000 });
        Assert.Equal(await File.ReadAllBytesAsync(file), await File.ReadAllBytesAsync(Path.Combine(Saved("a"), "report.bin")));

        var forB = await ReadAsync("b", Cell, save: true);
        Assert.Equal((names["c"], "report.bin"), (Assert.Single(forB).Sender, forB[0].File));
        Assert.Equal(await File.ReadAllBytesAsync(file), await File.ReadAllBytesAsync(Path.Combine(Saved("b"), "report.bin")));

        var forC = await ReadAsync("c", Cell);
        Assert.Equal((names["b"], "hello from b"), (Assert.Single(forC).Sender, forC[0].Text));

        // Syncing again stores nothing twice.
        await Node("a", "sync");
        Assert.Equal(2, (await InboxAsync("a")).Count);

        // D is A's contact but not in the cell: nothing to read, no cell.
        Assert.DoesNotContain("joined", (await Node("d", "sync")).Out);
        Assert.Empty(await InboxAsync("d"));
        Assert.Equal(0, (await Node("d", "cell", "list", "--json")).Json().GetArrayLength());
    }

    [Fact]
    public async Task A_removed_member_reads_nothing_sent_after_and_a_member_who_leaves_is_removed_on_the_next_sync()
    {
        using var relay = await StartRelayAsync();
        var url = relay.Address.ToString();
        var names = await CreateCellAsync(url, ["b", "c"]);
        await Node("a", "send", Cell, "before the removal");
        await Each(["b", "c"], m => Node(m, "sync"));

        await Node("a", "cell", "remove", Cell, names["c"]);
        Assert.Equal(Sorted(names["a"], names["b"]), (await MembersAsync("a")).Members);
        Assert.Contains($"removed from cell {Cell}", (await Node("c", "sync")).Out);
        var cList = Assert.Single((await Node("c", "cell", "list", "--json")).Json().EnumerateArray());
        Assert.False(cList.GetProperty("member").GetBoolean());
        Assert.False((await MembersAsync("c")).Member);

        await Node("a", "send", Cell, "after the removal");
        await Each(["b", "c"], m => Node(m, "sync"));
        Assert.Equal(["before the removal", "after the removal"], (await ReadAsync("b", Cell)).Select(m => m.Text));
        Assert.Equal(["before the removal"], (await InboxAsync("c")).Select(m => m.Text));
        var send = await Try("c", "send", Cell, "still here?");
        Assert.Equal(1, send.Exit);
        Assert.Contains("not_a_member", send.Err);

        // B leaves: A's next sync removes B, and B's node forgets the cell.
        Assert.Contains($"left {Cell}", (await Node("b", "cell", "leave", Cell)).Out);
        Assert.False((await MembersAsync("b")).Member);
        await Node("a", "sync");
        var a = await MembersAsync("a");
        Assert.Equal([names["a"]], a.Members);
        Assert.True(a.Member);
        Assert.Equal(["before the removal", "after the removal"], (await InboxAsync("b")).Select(m => m.Text));
    }

    [Fact]
    public async Task A_member_offline_for_twenty_epochs_catches_up_with_one_sync()
    {
        using var relay = await StartRelayAsync();
        var url = relay.Address.ToString();
        await CreateCellAsync(url, ["b"]);
        var before = (await MembersAsync("a")).Epoch;

        for (var i = 1; i <= 20; i++)
        {
            await Node("a", "cell", "rotate", Cell);
            if (i is 10 or 20)
            {
                await Node("a", "send", Cell, $"after rotation {i}");
            }
        }

        var a = await MembersAsync("a");
        Assert.Equal(before + 20, a.Epoch);
        await Node("b", "sync");
        Assert.Equal(["after rotation 10", "after rotation 20"], (await ReadAsync("b", Cell)).Select(m => m.Text));
        var b = await MembersAsync("b");
        Assert.Equal(a.Epoch, b.Epoch);
        Assert.Equal(a.Members, b.Members);
    }

    [Fact]
    public async Task Concurrent_commits_resolve_to_one_epoch_without_a_fork()
    {
        using var relay = await StartRelayAsync();
        var url = relay.Address.ToString();
        var names = await CreateCellAsync(url, ["b", "c"]);
        var before = (await MembersAsync("a")).Epoch;

        // A and B commit at once, while C sends: when both commits land in the same epoch's drop,
        // the first wins and the other commits again in the next epoch. Then all three at once,
        // twice: process start times vary, so more rounds make a collision likelier.
        await Task.WhenAll(Node("a", "cell", "rotate", Cell), Node("b", "cell", "rotate", Cell), Node("c", "send", Cell, "during the commits"));
        string[] all = ["a", "b", "c"];
        for (var round = 0; round < 2; round++)
        {
            await Each(all, m => Node(m, "cell", "rotate", Cell));
        }

        await Each(all, m => Node(m, "sync"));
        var views = await Task.WhenAll(all.Select(MembersAsync));
        Assert.All(views, v => Assert.Equal(before + 8, v.Epoch));
        Assert.All(views, v => Assert.Equal(Sorted([.. names.Values]), v.Members));

        foreach (var m in all)
        {
            await Node(m, "send", Cell, $"from {m}");
        }

        await Each(all, m => Node(m, "sync"));
        foreach (var m in all)
        {
            var read = await ReadAsync(m, Cell);
            var others = all.Where(o => o != m).ToList();
            var expected = others.Select(o => (names[o], $"from {o}")).ToList();
            if (m != "c")
            {
                expected.Add((names["c"], "during the commits"));
            }

            Assert.Equal(expected.Order(), read.Select(r => (r.Sender, r.Text!)).Order());
        }
    }

    [Fact]
    public async Task Sends_through_a_relay_killed_and_restarted_in_the_middle_arrive_once_each()
    {
        string[] relayArgs = ["--listen", $"127.0.0.1:{RelayProcess.FreePort()}", "--data", Home("relay")];
        RelayProcess? relay = await RelayProcess.StartAsync(relayArgs);
        try
        {
            var url = relay.Address.ToString();
            var names = await CreateCellAsync(url, ["b", "c"]);

            const int count = 10;
            var threeSent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var burst = Task.Run(async () =>
            {
                var results = new List<(CliResult Result, long Start, long End)>();
                for (var i = 0; i < count; i++)
                {
                    var start = Stopwatch.GetTimestamp();
                    results.Add((await Try("b", "send", Cell, $"burst {i}"), start, Stopwatch.GetTimestamp()));
                    if (i == 2)
                    {
                        threeSent.SetResult();
                    }
                }

                return results;
            });

            // A send retries through transient failures for 30 s: the one under way waits for the restart.
            await threeSent.Task.WaitAsync(TimeSpan.FromMinutes(1));
            var killed = relay;
            relay = null;
            killed.Kill();
            killed.Dispose();
            relay = await RelayProcess.StartAsync(relayArgs);
            var restarted = Stopwatch.GetTimestamp();
            Assert.Equal(url, relay.Address.ToString());

            var results = await burst;
            Assert.All(results, r => Assert.True(r.Result.Exit == 0, r.Result.Err));
            Assert.Contains(results, r => r.Start < restarted && r.End > restarted);
            await Each(["a", "c"], m => Node(m, "sync"));
            var expected = Enumerable.Range(0, count).Select(i => $"burst {i}").ToList();
            foreach (var m in new[] { "a", "c" })
            {
                var read = await ReadAsync(m, Cell);
                Assert.Equal(expected, read.Select(r => r.Text));
                Assert.All(read, r => Assert.Equal(names["b"], r.Sender));
            }
        }
        finally
        {
            relay?.Dispose();
        }
    }

    [Fact]
    public async Task Send_says_in_plain_words_on_stderr_that_the_relay_deleted_messages_this_node_had_not_read()
    {
        string[] relayArgs = ["--listen", $"127.0.0.1:{RelayProcess.FreePort()}", "--data", Home("relay")];
        var relay = await RelayProcess.StartAsync(relayArgs);
        try
        {
            var names = await CreateCellAsync(relay.Address.ToString(), ["b"]);
            await Node("a", "send", Cell, "while b was away");

            // What the relay's retention does, at once: every envelope deleted, read or not (each drop keeps its numbering).
            relay.Kill();
            relay.Dispose();
            using (var database = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(Home("relay"), "relay.db")};Pooling=False"))
            {
                database.Open();
                using var delete = database.CreateCommand();
                delete.CommandText = "DELETE FROM envelopes";
                Assert.True(delete.ExecuteNonQuery() > 0);
            }

            relay = await RelayProcess.StartAsync(relayArgs);

            // b's send reads the drop first and finds the hole: said once, on stderr, marked; the message goes out.
            var sent = await Node("b", "send", Cell, "b is back");
            Assert.Equal($"sent to {Cell}", sent.Out.Trim());
            var notice = Assert.Single(sent.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("notice: ", StringComparison.Ordinal));
            Assert.StartsWith($"notice: Cell \"{Cell}\": The relay deleted messages of this cell before this node read them", notice, StringComparison.Ordinal);
            Assert.DoesNotContain("notice:", (await Node("b", "send", Cell, "and again")).Err, StringComparison.Ordinal);

            await Node("a", "sync");
            Assert.Equal(["b is back", "and again"], (await ReadAsync("a", Cell)).Where(m => m.Sender == names["b"]).Select(m => m.Text));
        }
        finally
        {
            relay.Dispose();
        }
    }

    [Fact]
    public async Task A_liaison_forwards_a_message_from_one_layer_into_a_cell_of_the_other()
    {
        using var first = await StartRelayAsync("relay1");
        using var second = await StartRelayAsync("relay2");
        var (url1, url2) = (first.Address.ToString(), second.Address.ToString());
        await Each(["l", "x", "y"], m => Node(m, "init"));
        await _cli.FirstContactAsync(url1, "l", "Starik", "x", "Anna", "one two three");
        await _cli.FirstContactAsync(url2, "l", "Ded", "y", "Boris", "four five six");
        await Node("l", "layer", "create", "one", "--relay", url1);
        await Node("l", "layer", "create", "two", "--relay", url2);
        await Node("l", "cell", "create", "north", "--layer", "one");
        await Node("l", "cell", "add", "north", "Anna");
        await Node("l", "cell", "create", "south", "--layer", "two");
        await Node("l", "cell", "add", "south", "Boris");
        Assert.Contains("joined cell north", (await Node("x", "sync")).Out);
        Assert.Contains("joined cell south", (await Node("y", "sync")).Out);

        // Each layer's cell uses its own relay.
        var cells = (await Node("l", "cell", "list", "--json")).Json().EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => (c.GetProperty("layer").GetString(), c.GetProperty("relay").GetString()));
        Assert.Equal(("one", url1), cells["north"]);
        Assert.Equal(("two", url2), cells["south"]);

        await Node("x", "send", "north", "from layer one");
        await Node("l", "sync");
        var received = Assert.Single(await InboxAsync("l"));
        Assert.Equal(("north", "from layer one", (string?)null), (received.Cell, received.Text, received.ForwardedFrom));

        Assert.Contains("forwarded", (await Node("l", "forward", received.Id, "--to", "south")).Out);
        await Node("y", "sync");
        var forwarded = Assert.Single(await ReadAsync("y", "south"));
        Assert.Equal("from layer one", forwarded.Text);
        Assert.Equal("another layer", forwarded.ForwardedFrom);
        Assert.Equal((await MembersAsync("l", "south")).You, forwarded.Sender);

        // Nothing new in layer one: neither the sender nor the liaison received anything more.
        await Each(["x", "l"], m => Node(m, "sync"));
        Assert.Empty(await InboxAsync("x"));
        Assert.Single(await InboxAsync("l"));
    }

    [Fact]
    public async Task Bad_input_fails_with_one_line_and_an_exit_code()
    {
        using var relay = await StartRelayAsync();
        var url = relay.Address.ToString();
        await Each(["a", "b"], m => Node(m, "init"));

        var unknownCell = await Try("a", "send", "nowhere", "hello");
        Assert.Equal(1, unknownCell.Exit);
        Assert.Contains("unknown_cell", unknownCell.Err);
        Assert.Single(unknownCell.Err.Trim().Split('\n'));
        Assert.Contains("unknown_cell", (await Try("a", "cell", "members", "nowhere")).Err);
        Assert.Contains("unknown_cell", (await Try("a", "read", "nowhere")).Err);

        Assert.Equal(2, (await Try("a", "send", "nowhere")).Exit);
        Assert.Equal(2, (await Try("a", "send", "nowhere", "text", "--file", "whatever.bin")).Exit);
        var badBind = await Try("a", "sync", "--bind", "here");
        Assert.Equal(2, badBind.Exit);
        Assert.Contains("'here' is not an IP address", badBind.Err, StringComparison.Ordinal);

        var unknownMessage = await Try("a", "forward", "0123456789ab", "--to", "nowhere");
        Assert.Equal(1, unknownMessage.Exit);
        Assert.Contains("unknown_message", unknownMessage.Err);

        // B gave A three KeyPackages at first contact: a fourth cell must wait for B's next sync.
        await _cli.FirstContactAsync(url, "a", "Starik", "b", "Alyosha", "one two three");
        await Node("a", "layer", "create", "one", "--relay", url);
        for (var i = 1; i <= 3; i++)
        {
            await Node("a", "cell", "create", $"cell{i}");
            await Node("a", "cell", "add", $"cell{i}", "Alyosha");
        }

        await Node("a", "cell", "create", "cell4");
        var noKeyPackage = await Try("a", "cell", "add", "cell4", "Alyosha");
        Assert.Equal(1, noKeyPackage.Exit);
        Assert.Contains("no_key_package", noKeyPackage.Err);

        var unknownMember = await Try("a", "cell", "remove", "cell1", "Nobody");
        Assert.Equal(1, unknownMember.Exit);
        Assert.Contains("unknown_contact", unknownMember.Err);

        // B joins the three cells and sends a fresh KeyPackage for each: the fourth add works.
        var joined = (await Node("b", "sync")).Out;
        Assert.All(new[] { "cell1", "cell2", "cell3" }, c => Assert.Contains($"joined cell {c}", joined));
        await Node("a", "sync");
        await Node("a", "cell", "add", "cell4", "Alyosha");
        Assert.Contains("joined cell cell4", (await Node("b", "sync")).Out);

        // A text too large for one envelope is refused before it is stored: the cell stays usable.
        var tooLarge = await Try("a", "send", "cell1", new string('x', 70_000));
        Assert.Equal(1, tooLarge.Exit);
        Assert.Contains("error (message_too_large)", tooLarge.Err);
        await Node("a", "sync");
        await Node("a", "send", "cell1", "a short one");
        await Node("b", "sync");
        Assert.Equal("a short one", Assert.Single(await ReadAsync("b", "cell1")).Text);
    }

    public void Dispose() => _cli.Dispose();

    /// <summary>Runs <paramref name="action"/> for each of <paramref name="homes"/> at once: separate homes, separate processes.</summary>
    private static Task Each(IEnumerable<string> homes, Func<string, Task> action) => Task.WhenAll(homes.Select(action));

    private static string[] Sorted(params string[] names) => [.. names.Order(StringComparer.Ordinal)];

    private string Home(string name) => _cli.Home(name);

    private string Saved(string home) => Path.Combine(_cli.Root, "saved-" + home);

    private Task<RelayProcess> StartRelayAsync(string data = "relay")
        => RelayProcess.StartAsync("--listen", $"127.0.0.1:{RelayProcess.FreePort()}", "--data", Home(data));

    /// <summary>Runs a command of node <paramref name="home"/> and asserts that it succeeded.</summary>
    private Task<CliResult> Node(string home, params string[] args) => CourierCli.RunOkAsync([.. args, "--home", Home(home)]);

    private Task<CliResult> Try(string home, params string[] args) => CourierCli.RunAsync([.. args, "--home", Home(home)]);

    /// <summary>
    /// Nodes "a", <paramref name="members"/> and <paramref name="outside"/>, each member and outsider
    /// a contact of a's by phrase; a creates the cell (as "Boss") with the members, who join with a
    /// sync. Returns each member's code name in the cell.
    /// </summary>
    private async Task<Dictionary<string, string>> CreateCellAsync(string url, string[] members, string[]? outside = null)
    {
        string[] contacts = [.. members, .. outside ?? []];
        await Each(["a", .. contacts], m => Node(m, "init"));
        foreach (var m in contacts)
        {
            await _cli.FirstContactAsync(url, "a", "Starik " + m, m, ContactName(m), "one two three");
        }

        await Node("a", "layer", "create", "one", "--relay", url);
        await Node("a", "cell", "create", Cell, "--code-name", "Boss");
        await Node("a", ["cell", "add", Cell, .. members.Select(ContactName)]);
        await Each(members, async m => Assert.Contains($"joined cell {Cell}", (await Node(m, "sync")).Out));

        var a = await MembersAsync("a");
        Assert.Equal((true, "Boss", members.Length + 1), (a.Member, a.You, a.Members.Length));
        var names = new Dictionary<string, string> { ["a"] = "Boss" };
        foreach (var m in members)
        {
            var view = await MembersAsync(m);
            Assert.Equal((true, a.Epoch), (view.Member, view.Epoch));
            Assert.Equal(a.Members, view.Members);
            names[m] = view.You;
        }

        Assert.Equal(Sorted([.. names.Values]), a.Members);
        return names;
    }

    private static string ContactName(string home) => "Contact " + home.ToUpperInvariant();

    private async Task<CellView> MembersAsync(string home) => await MembersAsync(home, Cell);

    private async Task<CellView> MembersAsync(string home, string cell)
    {
        var json = (await Node(home, "cell", "members", cell, "--json")).Json();
        Assert.Equal(cell, json.GetProperty("cell").GetString());
        return new CellView(
            json.GetProperty("you").GetString()!,
            Sorted([.. json.GetProperty("members").EnumerateArray().Select(m => m.GetString()!)]),
            json.GetProperty("epoch").GetUInt64(),
            json.GetProperty("member").GetBoolean());
    }

    private async Task<List<Message>> InboxAsync(string home) => Messages((await Node(home, "inbox", "--all", "--json")).Json());

    private async Task<List<Message>> ReadAsync(string home, string cell, bool save = false)
    {
        string[] args = save ? ["read", cell, "--json", "--save", Saved(home)] : ["read", cell, "--json"];
        var messages = Messages((await Node(home, args)).Json());
        Assert.All(messages, m => Assert.Equal(cell, m.Cell));
        return messages;
    }

    private static List<Message> Messages(JsonElement json) => [.. json.EnumerateArray().Select(m => new Message(
        m.GetProperty("id").GetString()!,
        m.GetProperty("cell").GetString()!,
        m.GetProperty("sender").GetString()!,
        m.GetProperty("text").GetString(),
        m.GetProperty("file").GetString(),
        m.GetProperty("size").GetInt64(),
        m.GetProperty("forwarded_from").GetString()))];

    private sealed record CellView(string You, string[] Members, ulong Epoch, bool Member);

    private sealed record Message(string Id, string Cell, string Sender, string? Text, string? File, long Size, string? ForwardedFrom);
}
