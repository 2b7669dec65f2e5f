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
    private readonly Dictionary<string, RelayProcess> _mixes = [];
    private readonly Dictionary<string, string[]> _arguments = [];

    [Fact]
    public async Task The_relay_storing_a_cell_s_drops_never_talks_to_a_member_and_each_message_is_read_once_by_each()
    {
        string[] members = ["127.0.0.31", "127.0.0.32", "127.0.0.33", "127.0.0.34", "127.0.0.35"];
        var (nodes, ends) = await CellOverMixesAsync(members);
        for (int i = 0; i < nodes.Count; i++)
        {
            await nodes[i].SendAsync("north", $"from {members[i]}");
        }

        for (int i = 0; i < nodes.Count; i++)
        {
            Assert.Equal(members.Where((_, j) => j != i).Select(m => $"from {m}").Order(StringComparer.Ordinal), await ReadAllAsync(nodes[i]));
        }

        var storing = StoringMix(nodes[0], ends);
        var talkedTo = File.ReadAllLines(LogOf(storing)).Select(line => line.Split(' ')[0]).Distinct().ToList();
        Assert.NotEmpty(talkedTo);
        Assert.DoesNotContain(talkedTo, members.Contains);
        // Only the other two mixes connected to it; the members entered through those.
        var others = ends.Where(e => e != storing).ToList();
        Assert.All(talkedTo, address => Assert.Contains(address, others.Select(e => e.Split(':')[0])));
        var entered = others.SelectMany(e => File.ReadAllLines(LogOf(e))).Select(line => line.Split(' ')[0]).ToHashSet();
        Assert.All(members, member => Assert.Contains(member, entered));
    }

    [Fact]
    public async Task A_mix_killed_and_restarted_during_a_burst_loses_and_repeats_no_message()
    {
        string[] members = ["127.0.0.41", "127.0.0.42", "127.0.0.43"];
        var (nodes, ends) = await CellOverMixesAsync(members);
        var storing = StoringMix(nodes[0], ends);
        // Every path of a three-relay layer crosses both other mixes: killing one stops every request until it is back.
        var victim = ends.First(e => e != storing);
        const int Burst = 12;
        var sending = Task.Run(async () =>
        {
            for (int i = 0; i < Burst; i++)
            {
                await nodes[i % 2].SendAsync("north", $"burst {i}");
            }
        });

        await Task.Delay(300);
        Assert.False(sending.IsCompleted);
        _mixes[victim].Dispose(); // SIGKILL
        await Task.Delay(1500);
        _mixes[victim] = await RelayProcess.StartAsync(_arguments[victim]);
        await sending;

        var expected = Enumerable.Range(0, Burst).Select(i => $"burst {i}").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, await ReadAllAsync(nodes[2]));
        Assert.Equal(expected.Where(m => int.Parse(m[6..], System.Globalization.CultureInfo.InvariantCulture) % 2 == 1), await ReadAllAsync(nodes[0]));
        Assert.Equal(expected.Where(m => int.Parse(m[6..], System.Globalization.CultureInfo.InvariantCulture) % 2 == 0), await ReadAllAsync(nodes[1]));
    }

    [Fact]
    public async Task A_message_too_large_for_a_small_packet_goes_large_and_a_short_one_small()
    {
        var (nodes, ends) = await CellOverMixesAsync(["127.0.0.61", "127.0.0.62"]);
        var storing = StoringMix(nodes[0], ends);
        // The short text's append reaches the storing mix small; the long one's (a 16 KiB envelope) large.
        long small = await MixCountAsync(storing, "accepted_small"), large = await MixCountAsync(storing, "accepted_large");
        await nodes[0].SendAsync("north", "short");
        Assert.True(await MixCountAsync(storing, "accepted_small") > small);
        Assert.Equal(large, await MixCountAsync(storing, "accepted_large"));
        Assert.Equal(["short"], await ReadAllAsync(nodes[1]));

        var longText = new string('x', 10_000);
        large = await MixCountAsync(storing, "accepted_large");
        await nodes[0].SendAsync("north", longText);
        Assert.Equal(large + 1, await MixCountAsync(storing, "accepted_large"));
        Assert.Equal([longText], await ReadAllAsync(nodes[1]));
    }

    [Fact]
    public async Task Cover_traffic_sends_loops_that_come_back_and_drop_packets_that_last_hops_discard()
    {
        var (_, ends) = await CellOverMixesAsync(["127.0.0.51", "127.0.0.52"]);
        var mixes = ends.Select(e => _mixes[e]).ToList();
        var idle = _nodes.Create(new NodeOptions { Kdf = TempHome.FastKdf, Bind = IPAddress.Parse("127.0.0.53"), MixDelay = TimeSpan.Zero, CoverRate = 20 });
        idle.CreateLayer("mixed", [.. mixes.Select(m => m.Address)], mixPins: [.. mixes.Select(m => Base64Url.DecodeFromChars(m.MixIdentityKey))]);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (idle.CoverLoopsBack < 5 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.True(idle.CoverLoopsBack >= 5, $"{idle.CoverLoopsBack} cover loops came back");
        long dropped = 0;
        foreach (var end in ends)
        {
            dropped += await MixCountAsync(end, "dropped_other_recipient");
        }

        Assert.True(dropped > 0, "no drop packet reached its last hop");
    }

    /// <summary>
    /// A contact relay outside the layer (first contact and pairwise drops stay direct), three mixes on
    /// 127.0.0.21-23, one node per member address, each pinning the layer; the first creates "north" and
    /// adds the others, who join. Returns the nodes and the mixes' listen addresses.
    /// </summary>
    private async Task<(List<CourierNode> Nodes, List<string> Mixes)> CellOverMixesAsync(string[] members)
    {
        var contactRelay = await RelayProcess.StartAsync("--listen", $"127.0.0.20:{RelayProcess.FreePort()}", "--data", Path.Combine(_directory, "contact"));
        _relays.Add(contactRelay);
        var ends = Enumerable.Range(21, 3).Select(n => $"127.0.0.{n}:{RelayProcess.FreePort()}").ToList();
        foreach (var listen in ends)
        {
            var arguments = new List<string> { "--listen", listen, "--data", Path.Combine(_directory, listen.Replace(':', '-')), "--test-connection-log", LogOf(listen) };
            foreach (var peer in ends.Where(e => e != listen))
            {
                arguments.AddRange(["--mix-peer", $"http://{peer}/"]);
            }

            _arguments[listen] = [.. arguments];
            _mixes[listen] = await RelayProcess.StartAsync(_arguments[listen]);
        }

        var nodes = members.Select(address => _nodes.Create(new NodeOptions { Kdf = TempHome.FastKdf, Bind = IPAddress.Parse(address), MixDelay = TimeSpan.Zero, MixReplyTimeout = TimeSpan.FromSeconds(4), RelayRetry = TimeSpan.FromSeconds(30) })).ToList();
        var names = members.Skip(1).Select((_, i) => $"member{i + 2}").ToArray();
        for (int i = 1; i < nodes.Count; i++)
        {
            await TestNodes.ContactAsync(contactRelay.Address, nodes[0], nodes[i], names[i - 1]);
        }

        // Every member pins the layer's three relays, so its cell's drops are reached through the mix.
        var mixes = ends.Select(e => _mixes[e]).ToList();
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

        return (nodes, ends);
    }

    /// <summary>The mix's courier_mix_packets_total for <paramref name="outcome"/>.</summary>
    private async Task<long> MixCountAsync(string end, string outcome)
    {
        using var http = new HttpClient { BaseAddress = _mixes[end].Address };
        var metrics = await http.GetStringAsync("/metrics");
        var line = metrics.Split('\n').FirstOrDefault(l => l.StartsWith($"courier_mix_packets_total{{outcome=\"{outcome}\"}} ", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    private string StoringMix(CourierNode node, List<string> ends)
    {
        var storing = node.Describe("north").Relay;
        return ends.Single(e => _mixes[e].Address.ToString() == storing);
    }

    /// <summary>What a few syncs receive, sorted; a message read twice would appear twice.</summary>
    private static async Task<List<string>> ReadAllAsync(CourierNode node)
    {
        var received = new List<string>();
        for (int round = 0; round < 3; round++)
        {
            received.AddRange((await node.SyncAsync()).Received.Select(m => m.Text ?? string.Empty));
        }

        return [.. received.Order(StringComparer.Ordinal)];
    }

    public void Dispose()
    {
        _nodes.Dispose();
        foreach (var relay in _relays.Concat(_mixes.Values))
        {
            relay.Dispose();
        }

        Directory.Delete(_directory, recursive: true);
    }

    private string LogOf(string listen) => Path.Combine(_directory, listen.Replace(':', '-') + ".log");
}
