using Courier.Node;
using Courier.Node.Cells;
using Courier.Node.Introductions;
using Courier.Node.Relay;

namespace Courier.EndToEnd.Tests;

/// <summary>
/// Cells as nodes keep them: in the vault, across restarts and relay outages, with Welcomes and KeyPackages through pairwise drops.
/// The tests of delivery and outages run with direct routing and with mix routing (issue 14, must-hold 5).
/// </summary>
public sealed class NodeCellTests(MixLayerFixture mixes) : IDisposable, IClassFixture<MixLayerFixture>
{
    private readonly MixLayerFixture _mixes = mixes;
    private readonly string _relayData = Directory.CreateTempSubdirectory("courier-nodecells-").FullName;
    private readonly TestNodes _nodes = new();

    [Theory]
    [InlineData(RelayRoute.Direct)]
    [InlineData(RelayRoute.Mix)]
    public async Task A_reopened_node_continues_its_cell_keeps_its_inbox_and_reads_each_message_once(RelayRoute route)
    {
        using var relay = route == RelayRoute.Direct ? await StartRelayAsync() : null;
        var (a, b, _) = await CellOfThreeAsync(relay?.Address, route);
        await b.SendAsync("north", "first");
        Assert.Equal(["first"], (await a.SyncAsync()).Received.Select(m => m.Text));

        var home = a.Home;
        _nodes.Close(a);
        a = _nodes.Reopen(home, OptionsFor(route));
        Assert.Equal(["first"], a.Inbox().Select(m => m.Text));
        await b.SendAsync("north", "second");
        Assert.Equal(["second"], (await a.SyncAsync()).Received.Select(m => m.Text));
        Assert.Empty((await a.SyncAsync()).Received);
        Assert.Equal(["first", "second"], a.Read("north").Select(m => m.Text));
        Assert.Empty(a.Inbox(unreadOnly: true));
        await AssertThroughTheMixAsync(route, a);
    }

    /// <summary>
    /// A node that made its first contacts directly through a relay, and later pinned a layer holding
    /// that relay, reaches it through the mix from then on: it no longer reuses the direct connection.
    /// </summary>
    [Fact]
    public async Task A_relay_reached_directly_before_its_layer_existed_is_reached_through_the_mix_after()
    {
        var mixes = await _mixes.LayerAsync();
        var (a, b, c) = (NewNode(RelayRoute.Mix), NewNode(RelayRoute.Mix), NewNode(RelayRoute.Mix));
        var relay = mixes.Addresses[0];
        await TestNodes.ContactAsync(relay, a, b, "Alyosha");
        await TestNodes.ContactAsync(relay, a, c, "Galya");
        var directBefore = await Task.WhenAll(Enumerable.Range(0, mixes.Addresses.Count).Select(async i => (await mixes.DropRequestsAsync(i)).Direct));
        Assert.True(directBefore[0] > 0, "the first contacts did not reach the relay directly");

        foreach (var member in new[] { a, b, c })
        {
            member.CreateLayer("north", mixes.Addresses, mixPins: mixes.Pins);
        }

        await a.CreateCellAsync("north");
        await a.AddToCellAsync("north", ["Alyosha", "Galya"]);
        Assert.Equal(["north"], (await b.SyncAsync()).Contacts.JoinedCells);
        Assert.Equal(["north"], (await c.SyncAsync()).Contacts.JoinedCells);
        await b.SendAsync("north", "through the mix");
        Assert.Equal(["through the mix"], (await a.SyncAsync()).Received.Select(m => m.Text));
        Assert.Equal(["through the mix"], (await c.SyncAsync()).Received.Select(m => m.Text));

        for (var i = 0; i < mixes.Addresses.Count; i++)
        {
            Assert.Equal(directBefore[i], (await mixes.DropRequestsAsync(i)).Direct);
        }
    }

    /// <summary>Through the mix, the relay down is the one that stores the cell's drops: the last hop of every path.</summary>
    [Theory]
    [InlineData(RelayRoute.Direct)]
    [InlineData(RelayRoute.Mix)]
    public async Task A_message_sent_while_the_relay_is_down_waits_in_the_outbox_and_arrives_once(RelayRoute route)
    {
        var port = RelayProcess.FreePort();
        string[] args = ["--listen", $"127.0.0.1:{port}", "--data", _relayData];
        var relay = route == RelayRoute.Direct ? await RelayProcess.StartAsync(args) : null;
        try
        {
            var (a, b, c) = await CellOfThreeAsync(relay?.Address, route);
            var mixes = route == RelayRoute.Mix ? await _mixes.LayerAsync() : null;
            var storing = mixes?.IndexOf(a.Describe("north").Relay) ?? -1;
            if (mixes is null)
            {
                relay!.Kill();
            }
            else
            {
                mixes.Kill(storing);
            }

            if (mixes is not null)
            {
                // A send through the mix fails only after its retry budget (at least 30 s in MixLayer's
                // options): the sender is reopened with one of 6 s for it, and again as before after it.
                _nodes.Close(a);
                a = _nodes.Reopen(a.Home, MixLayer.Options(Options, relayRetry: TimeSpan.FromSeconds(6)));
            }

            await Assert.ThrowsAsync<RelayUnreachableException>(() => a.SendAsync("north", "written while the relay was down"));
            if (mixes is not null)
            {
                _nodes.Close(a);
                a = _nodes.Reopen(a.Home, OptionsFor(route));
            }

            if (mixes is null)
            {
                relay!.Dispose();
                relay = await RelayProcess.StartAsync(args);
            }
            else
            {
                await mixes.RestartAsync(storing);
            }

            Assert.Empty((await a.SyncAsync()).Problems);
            foreach (var member in new[] { b, c })
            {
                Assert.Single((await member.SyncAsync()).Received, m => m.Text == "written while the relay was down");
                Assert.Empty((await member.SyncAsync()).Received);
            }

            await AssertThroughTheMixAsync(route, a);
        }
        finally
        {
            relay?.Dispose();
        }
    }

    [Fact]
    public async Task Contacts_replace_used_KeyPackages_so_a_contact_joins_more_cells_than_it_first_gave_KeyPackages()
    {
        using var relay = await StartRelayAsync();
        var (a, b) = (NewNode(), NewNode());
        await TestNodes.ContactAsync(relay.Address, a, b, "Alyosha");
        a.CreateLayer("north", [relay.Address]);
        for (var i = 0; i < 5; i++)
        {
            await a.CreateCellAsync($"cell {i}");
            await a.AddToCellAsync($"cell {i}", ["Alyosha"]);
            Assert.Equal([$"cell {i}"], (await b.SyncAsync()).Contacts.JoinedCells);
            await a.SyncAsync();
        }

        Assert.Equal(5, b.Cells.Count(c => c.IsMember && c.Members.Count == 2));

        // Each cell sees b under a different code name.
        Assert.Equal(5, b.Cells.Select(c => c.CodeName).Distinct().Count());
    }

    [Fact]
    public async Task A_member_who_leaves_is_removed_by_the_others_and_a_removed_member_reads_nothing_later()
    {
        using var relay = await StartRelayAsync();
        var (a, b, c) = await CellOfThreeAsync(relay.Address);
        await b.LeaveCellAsync("north");
        await a.SyncAsync();
        await c.SyncAsync();
        Assert.Equal(2, a.Cells.Single().Members.Count);
        Assert.Equal(a.Cells.Single().Members, c.Cells.Single().Members);
        Assert.False(b.Cells.Single().IsMember);
        await Assert.ThrowsAsync<NotAMemberException>(() => b.SendAsync("north", "after leaving"));

        await a.RemoveFromCellAsync("north", [c.Cells.Single().CodeName]);
        Assert.Equal(["north"], (await c.SyncAsync()).RemovedFrom);
        await a.SendAsync("north", "after the removal");
        Assert.Empty((await c.SyncAsync()).Received);
        Assert.False(c.Cells.Single().IsMember);
    }

    [Fact]
    public async Task No_message_file_cell_layer_or_code_name_appears_in_any_file_of_a_member_s_home()
    {
        using var relay = await StartRelayAsync();
        var (a, b, c) = await CellOfThreeAsync(relay.Address);
        var file = System.Security.Cryptography.RandomNumberGenerator.GetBytes(100_000);
        var path = Path.Combine(_relayData, "plans.bin");
        await File.WriteAllBytesAsync(path, file);
        await b.SendAsync("north", "the bath-house at dawn, bring the printer");
        await c.SendFileAsync("north", path);
        Assert.Equal(2, (await a.SyncAsync()).Received.Count);
        File.Delete(path);

        var secrets = new SecretSet();
        secrets.AddText("the bath-house at dawn, bring the printer");
        secrets.AddText("north");
        secrets.AddText("plans.bin");
        secrets.AddBytes(file[..32], file[^32..]);
        foreach (var member in a.Cells.Single().Members)
        {
            secrets.AddText(member);
        }

        // The scanner finds what it looks for.
        Assert.NotNull(secrets.FindIn([.. "xx"u8, .. file[..32], .. "xx"u8]));
        foreach (var home in new[] { a.Home, b.Home, c.Home })
        {
            foreach (var stored in Directory.GetFiles(home, "*", SearchOption.AllDirectories))
            {
                if (Path.GetFileName(stored) == "courier.lock")
                {
                    // Held exclusively while the node is open; it is always empty.
                    Assert.Equal(0, new FileInfo(stored).Length);
                    continue;
                }

                var found = secrets.FindIn(File.ReadAllBytes(stored));
                Assert.True(found is null, $"{Path.GetFileName(stored)} contains {found}");
            }
        }
    }

    [Fact]
    public async Task A_contact_s_malformed_cell_invitation_is_reported_and_joins_nothing()
    {
        using var relay = await StartRelayAsync();
        var (a, b) = (NewNode(), NewNode());
        await TestNodes.ContactAsync(relay.Address, a, b, "Alyosha");
        using (var contact = a.FindRecord("Alyosha"))
        using (var http = new HttpRelay(relay.Address))
        {
            var body = new WelcomeDelivery([], contact.Id, "north", "layer", "not a relay address", [1, 2, 3]).Body();
            await PairwiseChannel.AppendAsync(http, contact, PairwiseChannel.Seal(contact, ++contact.LastSent, PairwiseMessageType.Welcome, body), Courier.Relay.Client.MessageId.NewRandom(), default);
        }

        var result = await b.SyncAsync();
        Assert.Contains(result.Contacts.Rejected, r => r.Contains("malformed", StringComparison.Ordinal));
        Assert.Empty(result.Contacts.JoinedCells);
        Assert.Empty(b.Cells);
    }

    public void Dispose()
    {
        _nodes.Dispose();
        Directory.Delete(_relayData, recursive: true);
    }

    private Task<RelayProcess> StartRelayAsync() => RelayProcess.StartAsync("--listen", $"127.0.0.1:{RelayProcess.FreePort()}", "--data", _relayData);

    /// <summary>
    /// Three new nodes in the cell "north" (<see cref="TestNodes.CellOfThreeAsync"/>): on <paramref name="relay"/>
    /// reached directly, or, with mix routing, on the class's mix layer (first contacts through its contact relay).
    /// </summary>
    private async Task<(CourierNode A, CourierNode B, CourierNode C)> CellOfThreeAsync(Uri? relay, RelayRoute route = RelayRoute.Direct)
    {
        var (a, b, c) = (NewNode(route), NewNode(route), NewNode(route));
        var mixes = route == RelayRoute.Mix ? await _mixes.LayerAsync() : null;
        await TestNodes.CellOfThreeAsync(relay ?? mixes!.ContactRelay!.Address, a, b, c, mixes);
        return (a, b, c);
    }

    /// <summary>With mix routing, no relay of the layer served a drop request directly, and the one storing the cell performed some from the mix.</summary>
    private async Task AssertThroughTheMixAsync(RelayRoute route, CourierNode member)
    {
        if (route != RelayRoute.Mix)
        {
            return;
        }

        var mixes = await _mixes.LayerAsync();
        for (var i = 0; i < mixes.Addresses.Count; i++)
        {
            var (direct, mixed) = await mixes.DropRequestsAsync(i);
            Assert.Equal(0, direct);
            Assert.True(i != mixes.IndexOf(member.Describe("north").Relay) || mixed > 0, "the relay storing the cell performed no request from the mix");
        }
    }

    private CourierNode NewNode(RelayRoute route = RelayRoute.Direct) => _nodes.Create(OptionsFor(route));

    private static NodeOptions Options => new() { Kdf = TempHome.FastKdf, RelayRetry = TimeSpan.FromSeconds(1) };

    private static NodeOptions OptionsFor(RelayRoute route) => route == RelayRoute.Mix ? MixLayer.Options(Options) : Options;
}
