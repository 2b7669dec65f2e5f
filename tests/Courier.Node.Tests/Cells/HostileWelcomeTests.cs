using Courier.Node.Relay;

namespace Courier.Node.Tests.Cells;

/// <summary>
/// Issue 12, must-hold 5: a contact's Welcome naming a relay this node does not use (unreachable, or
/// anyone's) joins nothing and contacts nothing until the user says so; it is reported once, and the
/// same sync still serves every other contact.
/// </summary>
public sealed class HostileWelcomeTests
{
    [Fact]
    public async Task A_Welcome_naming_another_relay_waits_for_the_user_is_said_once_and_blocks_no_other_contact()
    {
        var home = new InMemoryRelay("http://home.relay/");
        var elsewhere = new InMemoryRelay("http://elsewhere.relay/") { Unreachable = true };
        var called = new List<string>();
        IRelay Connect(Uri address)
        {
            called.Add(address.ToString());
            return address.ToString() == elsewhere.Address ? elsewhere : home;
        }

        using var nodes = new TestNodes(home);
        var (ivan, anna, boris) = (nodes.Create(Options(Connect)), nodes.Create(Options(Connect)), nodes.Create(Options(Connect)));
        await nodes.ConnectAsync(ivan, anna, acceptorName: "Anna");
        await nodes.ConnectAsync(boris, anna, acceptorName: "Anna");

        // Ivan invites Anna to a cell on a relay she never used (and that cannot be reached now).
        ivan.CreateLayer("far", [new Uri(elsewhere.Address)]);
        elsewhere.Unreachable = false;
        await ivan.CreateCellAsync("far-1");
        await ivan.AddToCellAsync("far-1", ["Anna"]);
        elsewhere.Unreachable = true;

        // Boris invites her to a cell on the relay they share.
        boris.CreateLayer("near", [nodes.RelayUri]);
        await boris.CreateCellAsync("near-1");
        await boris.AddToCellAsync("near-1", ["Anna"]);

        called.Clear();
        var first = await anna.SyncAsync();
        Assert.Equal(["near-1"], first.Contacts.JoinedCells);
        var waiting = Assert.Single(first.Contacts.WaitingCells);
        Assert.Contains("far-1", waiting, StringComparison.Ordinal);
        Assert.Contains(elsewhere.Address, waiting, StringComparison.Ordinal);
        Assert.Empty(first.Problems);
        Assert.DoesNotContain(elsewhere.Address, called);

        // Said once; the node still does not connect there; Boris's cell works.
        await boris.SendAsync("near-1", "still here");
        var second = await anna.SyncAsync();
        Assert.Empty(second.Contacts.WaitingCells);
        Assert.Equal(["still here"], second.Received.Select(m => m.Text));
        Assert.DoesNotContain(elsewhere.Address, called);
        var pending = Assert.Single(anna.PendingCells);
        Assert.Equal(("far-1", elsewhere.Address), (pending.Cell, pending.Relay));

        // The user joins: now, and only now, the node connects to that relay.
        elsewhere.Unreachable = false;
        Assert.Equal("far-1", await anna.JoinPendingCellAsync(pending.Id));
        Assert.Empty(anna.PendingCells);
        Assert.Contains(anna.Cells, c => c.Name == "far-1");
        await ivan.SendAsync("far-1", "welcome");
        Assert.Equal(["welcome"], (await anna.SyncAsync()).Received.Select(m => m.Text));
        await Assert.ThrowsAsync<UnknownCellException>(() => anna.JoinPendingCellAsync(pending.Id));
    }

    private static NodeOptions Options(Func<Uri, IRelay> relays) => new()
    {
        Kdf = TempHome.FastKdf,
        FirstContactTimeout = TimeSpan.FromSeconds(20),
        RelayRetry = TimeSpan.FromSeconds(1),
        Relays = relays,
    };
}
