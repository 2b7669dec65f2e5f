using Microsoft.Data.Sqlite;

namespace Courier.Cli.Tests;

/// <summary>
/// <c>courier outbox</c> against a relay process that lost the contacts' drops (as one deletes a drop
/// left unread past its retention): an introduction waits, is said, listed, and goes out with a sync
/// once the contacts have synced.
/// </summary>
public sealed class OutboxCommandTests : IDisposable
{
    private readonly CourierCli _cli = new();

    [Fact]
    public async Task Outbox_lists_an_introduction_waiting_for_deleted_drops_until_a_sync_delivers_it()
    {
        string[] relayArgs = ["--listen", $"127.0.0.1:{RelayProcess.FreePort()}", "--data", _cli.Home("relay")];
        var relay = await RelayProcess.StartAsync(relayArgs);
        try
        {
            var url = relay.Address.ToString();
            await Task.WhenAll(new[] { "a", "b", "c" }.Select(n => Node(n, "init")));
            await _cli.FirstContactAsync(url, "a", "Starik", "b", "Contact B", "one two three");
            await _cli.FirstContactAsync(url, "a", "Starik", "c", "Contact C", "four five six");
            Assert.Equal("nothing waits to be delivered", (await Node("a", "outbox")).Out.Trim());

            // The relay no longer has b's and c's drops (deleted as idle, with their keys).
            relay.Kill();
            relay.Dispose();
            using (var database = new SqliteConnection($"Data Source={Path.Combine(_cli.Home("relay"), "relay.db")};Pooling=False"))
            {
                database.Open();
                using var delete = database.CreateCommand();
                delete.CommandText = "DELETE FROM envelopes; DELETE FROM drops;";
                delete.ExecuteNonQuery();
            }

            relay = await RelayProcess.StartAsync(relayArgs);

            // The introduction succeeds; both statements wait, each said once on stderr.
            var introduced = await Node("a", "contact", "introduce", "Contact B", "Contact C");
            var notices = introduced.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("notice: ", StringComparison.Ordinal)).ToList();
            Assert.Equal(2, notices.Count);
            Assert.Contains(notices, n => n.StartsWith("notice: A message to \"Contact B\" waits", StringComparison.Ordinal));
            Assert.Contains(notices, n => n.StartsWith("notice: A message to \"Contact C\" waits", StringComparison.Ordinal));

            var json = (await Node("a", "outbox", "--json")).Json().EnumerateArray().ToList();
            Assert.Equal(["Contact B", "Contact C"], json.Select(i => i.GetProperty("name").GetString()).Order());
            Assert.All(json, i => Assert.Equal(("contact", "waiting"), (i.GetProperty("kind").GetString(), i.GetProperty("state").GetString())));
            Assert.All(json, i => Assert.InRange(i.GetProperty("age_seconds").GetInt64(), 0, 120));
            var lines = (await Node("a", "outbox")).Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(2, lines.Length);
            Assert.All(lines, l => Assert.Matches(@"^contact +Contact [BC]  waiting  \d+ s old$", l));

            var help = (await CourierCli.RunOkAsync("outbox", "--help")).Out;
            foreach (var taught in new[] { "unsettled", "set aside", "waiting", "courier sync", "--json" })
            {
                Assert.Contains(taught, help, StringComparison.Ordinal);
            }

            // b and c sync (their drops are created again), then a: delivered, said, and the outbox is empty.
            await Task.WhenAll(Node("b", "sync"), Node("c", "sync"));
            var delivered = await Node("a", "sync");
            Assert.Equal(2, delivered.Err.Split('\n').Count(l => l.Contains("that waited was delivered", StringComparison.Ordinal)));
            Assert.Equal("nothing waits to be delivered", (await Node("a", "outbox")).Out.Trim());

            // The introduction completes, once.
            await Node("b", "sync");
            await Node("c", "sync");
            Assert.Contains("added contact", (await Node("b", "sync")).Out, StringComparison.Ordinal);
            Assert.Equal(2, (await Node("b", "contact", "list", "--json")).Json().GetArrayLength());
            Assert.Equal(2, (await Node("c", "contact", "list", "--json")).Json().GetArrayLength());
        }
        finally
        {
            relay.Dispose();
        }
    }

    public void Dispose() => _cli.Dispose();

    private Task<CliResult> Node(string home, params string[] args) => CourierCli.RunOkAsync([.. args, "--home", _cli.Home(home)]);
}
