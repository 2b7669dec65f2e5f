using Courier.Node;
using Microsoft.Data.Sqlite;

namespace Courier.EndToEnd.Tests;

/// <summary>Issue 12, must-hold 1: what an adversary who reads a relay's database finds of nodes' traffic.</summary>
public sealed class WhatTheRelayHoldsTests : IDisposable
{
    private static readonly NodeOptions Options = new() { Kdf = TempHome.FastKdf, RelayRetry = TimeSpan.FromSeconds(1) };

    private readonly string _relayData = Directory.CreateTempSubdirectory("courier-relayview-").FullName;
    private readonly TestNodes _nodes = new();

    [Fact]
    public async Task Three_nodes_two_cells_several_epochs_texts_and_a_file_leave_envelopes_that_share_nothing_across_drops_and_show_no_padding()
    {
        Dictionary<long, List<byte[]>> drops;
        using (var relay = await RelayProcess.StartAsync("--listen", $"127.0.0.1:{RelayProcess.FreePort()}", "--data", _relayData))
        {
            var (a, b, c) = (_nodes.Create(Options), _nodes.Create(Options), _nodes.Create(Options));
            await TestNodes.ContactAsync(relay.Address, a, b, "Alyosha");
            await TestNodes.ContactAsync(relay.Address, a, c, "Galya");
            a.CreateLayer("north", [relay.Address]);
            await a.CreateCellAsync("north-1");
            await a.CreateCellAsync("north-2");
            await a.AddToCellAsync("north-1", ["Alyosha", "Galya"]);
            await a.AddToCellAsync("north-2", ["Alyosha"]);
            await b.SyncAsync();
            await c.SyncAsync();

            var file = Path.Combine(_nodes.Homes[0].Path, "report.bin");
            await File.WriteAllBytesAsync(file, System.Security.Cryptography.RandomNumberGenerator.GetBytes(150_000));
            for (var epoch = 0; epoch < 3; epoch++)
            {
                foreach (var cell in new[] { "north-1", "north-2" })
                {
                    await a.SendAsync(cell, "the same words in every epoch and cell");
                    await b.SendAsync(cell, $"an answer {epoch}");
                    await b.RotateKeysAsync(cell);
                }

                await a.SendFileAsync("north-1", file);
                foreach (var node in (CourierNode[])[a, b, c])
                {
                    await node.SyncAsync();
                }
            }

            drops = ReadDrops(_relayData);
        }

        // Two cells of four epochs each, and pairwise drops. Nameplates (first contact, before any key)
        // are released and gone: everything left is sealed.
        Assert.True(drops.Count >= 8, $"{drops.Count} drops hold envelopes");
        var envelopes = drops.Values.SelectMany(e => e).ToList();
        Assert.Contains(envelopes, e => e.Length == 64 * 1024);
        Assert.Null(RelayView.SharedAcross(drops.Values.Select(d => (IReadOnlyList<byte[]>)d).ToList()));
        Assert.DoesNotContain(envelopes, RelayView.EndsInZeros);
    }

    public void Dispose()
    {
        _nodes.Dispose();
        Directory.Delete(_relayData, recursive: true);
    }

    private static Dictionary<long, List<byte[]>> ReadDrops(string data)
    {
        var drops = new Dictionary<long, List<byte[]>>();
        using var connection = new SqliteConnection($"Data Source={Path.Combine(data, "relay.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT drop_id, data FROM envelopes WHERE data IS NOT NULL";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var list = drops.TryGetValue(reader.GetInt64(0), out var found) ? found : drops[reader.GetInt64(0)] = [];
            list.Add((byte[])reader[1]);
        }

        return drops;
    }
}
