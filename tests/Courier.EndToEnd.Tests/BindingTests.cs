using System.Net;
using Courier.Node;

namespace Courier.EndToEnd.Tests;

/// <summary>
/// Each process on its own loopback address (issue 14, "Binding addresses"): the relay listens
/// where it is told, each node connects from where it is told, and the relay's test connection log
/// shows exactly those pairs. The mix tests build on this to show who talks to whom.
/// </summary>
public sealed class BindingTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("courier-binding-").FullName;
    private readonly TestNodes _nodes = new();

    [Fact]
    public async Task Nodes_connect_from_their_own_addresses_and_the_relay_s_log_shows_exactly_who_connected()
    {
        var log = Path.Combine(_directory, "connections.log");
        using var relay = await RelayProcess.StartAsync("--listen", $"127.0.0.2:{RelayProcess.FreePort()}", "--data", Path.Combine(_directory, "relay"), "--test-connection-log", log);
        Assert.Equal("127.0.0.2", relay.Address.Host);
        var starik = _nodes.Create(From("127.0.0.5"));
        var galya = _nodes.Create(From("127.0.0.6"));

        await TestNodes.ContactAsync(relay.Address, starik, galya, "Galya");
        starik.CreateLayer("layer", [relay.Address]);
        await starik.CreateCellAsync("north");
        await starik.AddToCellAsync("north", ["Galya"]);
        await galya.SyncAsync();
        await starik.SendAsync("north", "from 127.0.0.5");
        Assert.Equal(["from 127.0.0.5"], (await galya.SyncAsync()).Received.Select(m => m.Text));

        Assert.Equal(["127.0.0.5 127.0.0.2", "127.0.0.6 127.0.0.2"], File.ReadAllLines(log).Distinct().Order(StringComparer.Ordinal));
    }

    public void Dispose()
    {
        _nodes.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static NodeOptions From(string address) => new() { Kdf = TempHome.FastKdf, Bind = IPAddress.Parse(address) };
}
