using Courier.Node;

namespace Courier.EndToEnd.Tests;

/// <summary>Nodes and a relay process over HTTPS with a self-signed certificate the nodes know by its pin (docs/tls.md).</summary>
public sealed class TlsTests : IDisposable
{
    private readonly string _relayData = Directory.CreateTempSubdirectory("courier-tls-").FullName;
    private readonly List<TempHome> _homes = [];
    private readonly List<CourierNode> _nodes = [];

    [Fact]
    public async Task First_contact_and_a_cell_message_go_through_a_pinned_self_signed_relay_and_the_vault_keeps_the_pin()
    {
        using var relay = await StartRelayAsync();
        Assert.Equal("https", relay.Address.Scheme);
        Assert.StartsWith("#sha256=", relay.Address.Fragment, StringComparison.Ordinal);
        var (a, b) = (NewNode(), NewNode());
        using (var invitation = await a.InviteAsync(relay.Address, "the bath-house at dawn"))
        {
            var accepted = b.AcceptAsync(relay.Address, invitation.Code, "Alyosha");
            await invitation.CompleteAsync();
            await accepted;
        }

        a.CreateLayer("north", [relay.Address]);
        await a.CreateCellAsync("north");
        await a.AddToCellAsync("north", ["Alyosha"]);
        Assert.Equal(["north"], (await b.SyncAsync()).Contacts.JoinedCells);
        await b.SendAsync("north", "over TLS");
        Assert.Equal(["over TLS"], (await a.SyncAsync()).Received.Select(m => m.Text));

        // The address is remembered with its pin: by both contacts, the layer, and the joined cell (through the Welcome).
        var pinned = relay.Address.ToString();
        Assert.All(a.Contacts.Concat(b.Contacts), c => Assert.Equal(pinned, c.Relay));
        Assert.Equal([pinned], a.Layers.Single().Relays);
        Assert.Equal([pinned], b.Layers.Single().Relays);
    }

    [Fact]
    public async Task A_wrong_pin_is_refused_as_a_pin_mismatch_not_as_an_unreachable_relay()
    {
        using var relay = await StartRelayAsync();
        var pin = relay.Address.Fragment["#sha256=".Length..];
        var wrong = new Uri(relay.Address.GetLeftPart(UriPartial.Authority) + "/#sha256=" + (pin[0] == 'A' ? 'B' : 'A') + pin[1..]);
        var node = NewNode();
        var error = await Assert.ThrowsAsync<RelayPinMismatchException>(() => node.InviteAsync(wrong));
        Assert.Equal("relay_pin_mismatch", error.ErrorCode);
        Assert.Contains("does not match the pinned one", error.Message, StringComparison.Ordinal);
        Assert.Contains("intercepting", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_pin_the_self_signed_certificate_is_not_trusted()
    {
        using var relay = await StartRelayAsync();
        var node = NewNode();
        await Assert.ThrowsAsync<RelayUnreachableException>(() => node.InviteAsync(new Uri(relay.Address.GetLeftPart(UriPartial.Authority))));
    }

    public void Dispose()
    {
        foreach (var node in _nodes)
        {
            node.Dispose();
        }

        foreach (var home in _homes)
        {
            home.Dispose();
        }

        Directory.Delete(_relayData, recursive: true);
    }

    private Task<RelayProcess> StartRelayAsync() => RelayProcess.StartAsync("--listen", $"127.0.0.1:{RelayProcess.FreePort()}", "--data", _relayData, "--tls");

    private CourierNode NewNode()
    {
        var home = new TempHome();
        _homes.Add(home);
        var node = CourierNode.Init(home.Path, "correct horse", new NodeOptions { Kdf = TempHome.FastKdf, RelayRetry = TimeSpan.FromSeconds(1) });
        _nodes.Add(node);
        return node;
    }
}
