using System.Text.Json;

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
    /// sync. Returns each member's code name in the cell.
    /// </summary>
    protected async Task<Dictionary<string, string>> CreateCellAsync(string url, string[] members, string[]? outside = null)
    {
        string[] contacts = [.. members, .. outside ?? []];
        await Each(["a", .. contacts], m => Node(m, "init"));
        foreach (var m in contacts)
        {
            await Cli.FirstContactAsync(url, "a", "Starik " + m, m, ContactName(m), "one two three");
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
