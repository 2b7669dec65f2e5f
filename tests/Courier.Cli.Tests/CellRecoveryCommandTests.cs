using System.Diagnostics;

namespace Courier.Cli.Tests;

/// <summary>Cells through the <c>courier</c> command when things go wrong: a member away for twenty epochs, concurrent commits, a relay killed or deleting unread messages.</summary>
public sealed class CellRecoveryCommandTests : CellCliTests
{
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
}
