using Courier.Node;
using Courier.Node.Relay;

namespace Courier.TestKit;

/// <summary>Nodes for tests: cheap key stretching, short first-contact timeouts, each in its own temporary home.</summary>
public sealed class TestNodes : IDisposable
{
    public const string Passphrase = "a passphrase for tests";

    private readonly List<TempHome> _homes = [];
    private readonly List<CourierNode> _nodes = [];

    public TestNodes(InMemoryRelay? relay = null) => Relay = relay ?? new InMemoryRelay();

    public InMemoryRelay Relay { get; }

    /// <summary>The relay of these nodes, as the address the nodes are given.</summary>
    public Uri RelayUri => new(Relay.Address);

    /// <summary>Test settings; without <paramref name="relay"/>, a node that calls a relay fails the test.</summary>
    public static NodeOptions BaseOptions(TimeProvider? time = null, TimeSpan? firstContactTimeout = null, IRelay? relay = null) => new()
    {
        Kdf = TempHome.FastKdf,
        FirstContactTimeout = firstContactTimeout ?? TimeSpan.FromSeconds(20),
        Time = time ?? TimeProvider.System,
        Relays = address => relay ?? throw new InvalidOperationException($"This test gave the node no relay, yet it called {address}."),
    };

    /// <summary>Test settings whose relay is <see cref="Relay"/>.</summary>
    public NodeOptions Options(TimeProvider? time = null, TimeSpan? firstContactTimeout = null) => BaseOptions(time, firstContactTimeout, Relay);

    public IReadOnlyList<TempHome> Homes => _homes;

    public CourierNode Create(NodeOptions? options = null)
    {
        var home = new TempHome();
        _homes.Add(home);
        var node = CourierNode.Init(home.Path, Passphrase, options ?? Options());
        _nodes.Add(node);
        return node;
    }

    /// <summary>Runs a complete first contact between the two nodes; returns each side's view of the other.</summary>
    public async Task<(Contact AtInviter, Contact AtAcceptor)> ConnectAsync(CourierNode inviter, CourierNode acceptor, string? inviterName = null, string? acceptorName = null, string? phrase = null)
    {
        using var invitation = await inviter.InviteAsync(RelayUri, phrase, inviterName);
        var accepted = acceptor.AcceptAsync(RelayUri, invitation.Code, acceptorName);
        var completed = invitation.CompleteAsync();
        await Task.WhenAll(accepted, completed);
        return (await completed, await accepted);
    }

    /// <summary>A complete first contact between two nodes through the relay at <paramref name="relay"/>; the acceptor knows the inviter under the inviter's default name, the inviter the acceptor as <paramref name="acceptorName"/>.</summary>
    public static async Task ContactAsync(Uri relay, CourierNode inviter, CourierNode acceptor, string acceptorName)
    {
        using var invitation = await inviter.InviteAsync(relay, "the bath-house at dawn");
        var accepted = acceptor.AcceptAsync(relay, invitation.Code, acceptorName);
        await invitation.CompleteAsync();
        await accepted;
    }

    /// <summary>
    /// Two nodes whose every relay call goes to <paramref name="relay"/> (a test's failing or refusing
    /// wrapper of <see cref="Relay"/>), retrying for 1 s: the first has the second as contact "Alyosha"
    /// and made the cell "north" with it; the second joined.
    /// </summary>
    public async Task<(CourierNode A, CourierNode B)> CellOfTwoAsync(IRelay relay)
    {
        NodeOptions Options() => new() { Kdf = TempHome.FastKdf, RelayRetry = TimeSpan.FromSeconds(1), Relays = _ => relay };
        var (a, b) = (Create(Options()), Create(Options()));
        await ContactAsync(RelayUri, a, b, "Alyosha");
        a.CreateLayer("north", [RelayUri]);
        await a.CreateCellAsync("north");
        await a.AddToCellAsync("north", ["Alyosha"]);
        Assert.Equal(["north"], (await b.SyncAsync()).Contacts.JoinedCells);
        return (a, b);
    }

    /// <summary>
    /// Node <paramref name="a"/> makes first contact with <paramref name="b"/> ("Alyosha") and <paramref name="c"/> ("Galya"), creates the cell "north" in a layer of the relay and adds them; both join.
    /// With <paramref name="mixes"/>, the layer is those three relays, which every member pins, so that nodes with mix routing reach the cell's drops through the mix.
    /// </summary>
    public static async Task CellOfThreeAsync(Uri relay, CourierNode a, CourierNode b, CourierNode c, MixLayer? mixes = null)
    {
        await ContactAsync(relay, a, b, "Alyosha");
        await ContactAsync(relay, a, c, "Galya");
        foreach (var member in mixes is null ? [a] : new[] { a, b, c })
        {
            member.CreateLayer("north", mixes?.Addresses ?? [relay], mixPins: mixes?.Pins);
        }

        await a.CreateCellAsync("north");
        await a.AddToCellAsync("north", ["Alyosha", "Galya"]);
        Assert.Equal(["north"], (await b.SyncAsync()).Contacts.JoinedCells);
        Assert.Equal(["north"], (await c.SyncAsync()).Contacts.JoinedCells);
    }

    /// <summary>Opens again the node of <paramref name="home"/>, closed with <see cref="Close"/>.</summary>
    public CourierNode Reopen(string home, NodeOptions? options = null)
    {
        var node = CourierNode.Open(home, Passphrase, options ?? Options());
        _nodes.Add(node);
        return node;
    }

    /// <summary>Closes a node (so its home can be reopened or scanned).</summary>
    public void Close(CourierNode node)
    {
        node.Dispose();
        _nodes.Remove(node);
    }

    public void Dispose()
    {
        _nodes.ForEach(n => n.Dispose());
        _homes.ForEach(h => h.Dispose());
    }
}
