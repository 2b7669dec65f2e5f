using System.Text.Json;
using Courier.Node;

namespace Courier.Cli.Tests;

/// <summary>
/// Cells end to end through the <c>courier</c> command of several nodes (each command a process of
/// its own) against real relay processes: what the cell tests share. The tests are split over two
/// classes so that xUnit runs them two at a time.
/// </summary>
public abstract class CellCliTests : IDisposable
{
    protected const string Cell = "north";

    protected CourierCli Cli { get; } = new();

    public void Dispose() => Cli.Dispose();

    /// <summary>Runs <paramref name="action"/> for each of <paramref name="homes"/> at once: separate homes, separate processes.</summary>
    protected static Task Each(IEnumerable<string> homes, Func<string, Task> action) => Task.WhenAll(homes.Select(action));

    protected static string[] Sorted(params string[] names) => [.. names.Order(StringComparer.Ordinal)];

    protected string Home(string name) => Cli.Home(name);

    protected string Saved(string home) => Path.Combine(Cli.Root, "saved-" + home);

    protected Task<RelayProcess> StartRelayAsync(string data = "relay")
        => RelayProcess.StartAsync("--listen", $"127.0.0.1:{RelayProcess.FreePort()}", "--data", Home(data));

    /// <summary>Runs a command of node <paramref name="home"/> and asserts that it succeeded.</summary>
    protected Task<CliResult> Node(string home, params string[] args) => CourierCli.RunOkAsync([.. args, "--home", Home(home)]);

    protected Task<CliResult> Try(string home, params string[] args) => CourierCli.RunAsync([.. args, "--home", Home(home)]);

    /// <summary>
    /// Nodes "a", <paramref name="members"/> and <paramref name="outside"/>, each member and outsider
    /// a contact of a's by phrase; a creates the cell (as "Boss") with the members, who join with a
    /// sync. Returns each member's code name in the cell. Made through the node library in this
    /// process (the homes are the same as the commands make): each command is a process costing
    /// 0.3 to 0.8 s of CPU, almost all start-up, and this set-up took about 17 of them per test. The
    /// same steps through the command are tested where they are the subject (CourierCommandTests,
    /// CellCommandTests' liaison and KeyPackage tests, BundleCommandTests, OutboxCommandTests).
    /// </summary>
    protected async Task<Dictionary<string, string>> CreateCellAsync(string url, string[] members, string[]? outside = null)
    {
        var relay = new Uri(url);
        var options = new NodeOptions { Kdf = new VaultKdfParameters(1024, 1) };
        string[] contacts = [.. members, .. outside ?? []];
        var nodes = new[] { "a" }.Concat(contacts).ToDictionary(m => m, m => CourierNode.Init(Home(m), CourierCli.Passphrase, options));
        try
        {
            foreach (var m in contacts)
            {
                using var invitation = await nodes["a"].InviteAsync(relay, "one two three", "Starik " + m);
                var accepted = nodes[m].AcceptAsync(relay, invitation.Code, ContactName(m));
                await invitation.CompleteAsync();
                await accepted;
            }

            nodes["a"].CreateLayer("one", [relay]);
            await nodes["a"].CreateCellAsync(Cell, codeName: "Boss");
            await nodes["a"].AddToCellAsync(Cell, [.. members.Select(ContactName)]);
            foreach (var m in members)
            {
                Assert.Equal([Cell], (await nodes[m].SyncAsync()).Contacts.JoinedCells);
            }

            var a = nodes["a"].Describe(Cell);
            Assert.Equal((true, "Boss", members.Length + 1), (a.IsMember, a.CodeName, a.Members.Count));
            var names = new Dictionary<string, string> { ["a"] = "Boss" };
            foreach (var m in members)
            {
                var view = nodes[m].Describe(Cell);
                Assert.Equal((true, a.Epoch), (view.IsMember, view.Epoch));
                Assert.Equal(Sorted([.. a.Members]), Sorted([.. view.Members]));
                names[m] = view.CodeName;
            }

            Assert.Equal(Sorted([.. names.Values]), Sorted([.. a.Members]));
            return names;
        }
        finally
        {
            foreach (var node in nodes.Values)
            {
                node.Dispose();
            }
        }
    }

    protected static string ContactName(string home) => "Contact " + home.ToUpperInvariant();

    protected async Task<CellView> MembersAsync(string home) => await MembersAsync(home, Cell);

    protected async Task<CellView> MembersAsync(string home, string cell)
    {
        var json = (await Node(home, "cell", "members", cell, "--json")).Json();
        Assert.Equal(cell, json.GetProperty("cell").GetString());
        return new CellView(
            json.GetProperty("you").GetString()!,
            Sorted([.. json.GetProperty("members").EnumerateArray().Select(m => m.GetString()!)]),
            json.GetProperty("epoch").GetUInt64(),
            json.GetProperty("member").GetBoolean());
    }

    protected async Task<List<Message>> InboxAsync(string home) => Messages((await Node(home, "inbox", "--all", "--json")).Json());

    protected async Task<List<Message>> ReadAsync(string home, string cell, bool save = false)
    {
        string[] args = save ? ["read", cell, "--json", "--save", Saved(home)] : ["read", cell, "--json"];
        var messages = Messages((await Node(home, args)).Json());
        Assert.All(messages, m => Assert.Equal(cell, m.Cell));
        return messages;
    }

    protected static List<Message> Messages(JsonElement json) => [.. json.EnumerateArray().Select(m => new Message(
        m.GetProperty("id").GetString()!,
        m.GetProperty("cell").GetString()!,
        m.GetProperty("sender").GetString()!,
        m.GetProperty("text").GetString(),
        m.GetProperty("file").GetString(),
        m.GetProperty("size").GetInt64(),
        m.GetProperty("forwarded_from").GetString()))];

    protected sealed record CellView(string You, string[] Members, ulong Epoch, bool Member);

    protected sealed record Message(string Id, string Cell, string Sender, string? Text, string? File, long Size, string? ForwardedFrom);
}
