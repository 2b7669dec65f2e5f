using System.Buffers.Text;
using System.Net;
using Courier.Node;

namespace Courier.EndToEnd.Tests;

/// <summary>
/// Issue 14, must-hold 2: each node and each relay on its own loopback address, a cell of five over a
/// layer of three relays with mix routing. The relays' connection logs show that the relay storing the
/// cell's drops never exchanges a packet with a member's address, and every member reads every message
/// exactly once.
/// </summary>
public sealed class MixRoutingTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("courier-mixrouting-").FullName;
    private readonly TestNodes _nodes = new();
    private readonly List<RelayProcess> _relays = [];

    [Fact]
    public async Task The_relay_storing_a_cell_s_drops_never_talks_to_a_member_and_each_message_is_read_once_by_each()
    {
        // First contact goes through a relay outside the layer (nameplates and pairwise drops stay direct).
        var contactRelay = await StartAsync("--listen", $"127.0.0.20:{RelayProcess.FreePort()}", "--data", Path.Combine(_directory, "contact"));
        var ends = Enumerable.Range(21, 3).Select(n => $"127.0.0.{n}:{RelayProcess.FreePort()}").ToList();
        var mixes = new List<RelayProcess>();
        foreach (var listen in ends)
        {
            var arguments = new List<string> { "--listen", listen, "--data", Path.Combine(_directory, listen.Replace(':', '-')), "--test-connection-log", LogOf(listen) };
            foreach (var peer in ends.Where(e => e != listen))
            {
                arguments.AddRange(["--mix-peer", $"http://{peer}/"]);
            }

            mixes.Add(await StartAsync([.. arguments]));
        }

        string[] members = ["127.0.0.31", "127.0.0.32", "127.0.0.33", "127.0.0.34", "127.0.0.35"];
        var nodes = members.Select(address => _nodes.Create(new NodeOptions { Kdf = TempHome.FastKdf, Bind = IPAddress.Parse(address), MixDelay = TimeSpan.Zero, RelayRetry = TimeSpan.FromSeconds(20) })).ToList();
        string[] names = ["Alyosha", "Galya", "Dmitri", "Ivan"];
        for (int i = 1; i < nodes.Count; i++)
        {
            await TestNodes.ContactAsync(contactRelay.Address, nodes[0], nodes[i], names[i - 1]);
        }

        // Every member pins the layer's three relays, so its cell's drops are reached through the mix.
        var pins = mixes.Select(m => Base64Url.DecodeFromChars(m.MixIdentityKey)).ToList();
        foreach (var node in nodes)
        {
            node.CreateLayer("mixed", [.. mixes.Select(m => m.Address)], mixPins: pins);
        }

        await nodes[0].CreateCellAsync("north", "mixed");
        await nodes[0].AddToCellAsync("north", names);
        foreach (var node in nodes.Skip(1))
        {
            Assert.Equal(["north"], (await node.SyncAsync()).Contacts.JoinedCells);
        }

        for (int i = 0; i < nodes.Count; i++)
        {
            await nodes[i].SendAsync("north", $"from {members[i]}");
        }

        for (int i = 0; i < nodes.Count; i++)
        {
            var received = new List<string>();
            for (int round = 0; round < 3; round++)
            {
                received.AddRange((await nodes[i].SyncAsync()).Received.Select(m => m.Text ?? string.Empty));
            }

            Assert.Equal(members.Where((_, j) => j != i).Select(m => $"from {m}").Order(StringComparer.Ordinal), received.Order(StringComparer.Ordinal));
        }

        var storing = nodes[0].Describe("north").Relay;
        var storingListen = ends[mixes.FindIndex(m => m.Address.ToString() == storing)];
        var talkedTo = File.ReadAllLines(LogOf(storingListen)).Select(line => line.Split(' ')[0]).Distinct().ToList();
        Assert.NotEmpty(talkedTo);
        Assert.DoesNotContain(talkedTo, members.Contains);
        // Only the other two mixes connected to it.
        Assert.All(talkedTo, address => Assert.Contains(address, ends.Where(e => e != storingListen).Select(e => e.Split(':')[0])));
        // The members did talk to the other two (their entry relays).
        var entries = ends.Where(e => e != storingListen).SelectMany(e => File.ReadAllLines(LogOf(e))).Select(line => line.Split(' ')[0]).ToHashSet();
        Assert.Contains(entries, members.Contains);
    }

    public void Dispose()
    {
        _nodes.Dispose();
        foreach (var relay in _relays)
        {
            relay.Dispose();
        }

        Directory.Delete(_directory, recursive: true);
    }

    private string LogOf(string listen) => Path.Combine(_directory, listen.Replace(':', '-') + ".log");

    private async Task<RelayProcess> StartAsync(params string[] arguments)
    {
        var relay = await RelayProcess.StartAsync(arguments);
        _relays.Add(relay);
        return relay;
    }
}
