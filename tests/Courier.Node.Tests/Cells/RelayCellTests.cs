using System.Text;
using Courier.Node.Cells;
using Courier.Node.Relay;
using Courier.Node.Relay.Mix;
using Courier.Relay.Client;
using Microsoft.Data.Sqlite;

namespace Courier.Node.Tests.Cells;

/// <summary>Cells over a real relay process (the built <c>courier relay serve</c>); the crash test also through a mix layer of three (issue 14, must-hold 5).</summary>
public sealed class RelayCellTests(MixLayerFixture mixes) : IDisposable, IClassFixture<MixLayerFixture>
{
    private static readonly string[] CodeNames = ["Starik", "Alyosha", "Galya", "Volodya", "Nadya"];

    private readonly MixLayerFixture _mixes = mixes;

    private readonly string _data = Directory.CreateTempSubdirectory("courier-cells-").FullName;
    private readonly List<IDisposable> _owned = [];

    /// <summary>Through the mix, the relay killed is the one that stores the cell's drops: the last hop of every path.</summary>
    [Theory]
    [InlineData(RelayRoute.Direct)]
    [InlineData(RelayRoute.Mix)]
    public async Task Relay_killed_and_restarted_during_a_burst_every_message_reaches_every_member_exactly_once(RelayRoute route)
    {
        var port = RelayProcess.FreePort();
        string[] args = ["--listen", $"127.0.0.1:{port}", "--data", _data];
        var relay = route == RelayRoute.Direct ? await RelayProcess.StartAsync(args) : null;
        var mixes = route == RelayRoute.Mix ? await _mixes.LayerAsync() : null;
        try
        {
            var cell = await CellAsync(relay?.Address ?? mixes!.Addresses[0], mixes);
            var senders = new[] { "Starik", "Galya", "Nadya" };
            var sent = new List<string>();
            var kills = 0;
            for (var i = 0; i < 60; i++)
            {
                if (i % 20 == 10)
                {
                    // SIGKILL, then a restart a moment later: appends in flight are retried with their message id.
                    relay?.Kill();
                    mixes?.Kill(0);
                    kills++;
                    var restart = Task.Run(async () =>
                    {
                        await Task.Delay(300);
                        if (mixes is not null)
                        {
                            await mixes.RestartAsync(0);
                            return null;
                        }

                        return await RelayProcess.StartAsync(args);
                    });
                    var text = $"message {i}";
                    await cell[senders[i % 3]].SendAsync(new TextContent(text));
                    sent.Add(text);
                    relay?.Dispose();
                    relay = await restart;
                    continue;
                }

                var message = $"message {i}";
                await cell[senders[i % 3]].SendAsync(new TextContent(message));
                sent.Add(message);
            }

            Assert.Equal(3, kills);
            foreach (var (name, member) in cell)
            {
                var texts = (await member.SyncAsync()).Select(m => ((TextContent)m.Content).Text).ToList();
                var expected = sent.Where((_, i) => senders[i % 3] != name).ToList();
                Assert.Equal(expected.Order(), texts.Order());
                Assert.Equal(texts.Count, texts.Distinct().Count());
            }

            // Through the mix, since its last restart the storing relay performed requests only from the mix.
            if (mixes is not null)
            {
                var (direct, mixed) = await mixes.DropRequestsAsync(0);
                Assert.Equal(0, direct);
                Assert.True(mixed > 0);
            }
        }
        finally
        {
            relay?.Dispose();
        }
    }

    [Fact]
    public async Task What_the_relay_stores_reveals_neither_code_names_nor_cell_names()
    {
        using var relay = await RelayProcess.StartAsync("--listen", $"127.0.0.1:{RelayProcess.FreePort()}", "--data", _data);
        var cell = await CellAsync(relay.Address);
        await cell["Alyosha"].SendAsync(new TextContent("the north cell meets at the bath-house"));
        await cell["Starik"].ChangeMembersAsync([], ["Volodya"]);
        foreach (var member in cell.Values.Where(c => c.Group.IsActive))
        {
            await member.SyncAsync();
        }

        relay.Kill();
        var stored = new List<byte[]>();
        using (var connection = new SqliteConnection($"Data Source={Path.Combine(_data, "relay.db")};Mode=ReadOnly;Pooling=False"))
        {
            connection.Open();
            foreach (var table in new[] { "SELECT name FROM drops", "SELECT read_key FROM drops", "SELECT data FROM envelopes WHERE data IS NOT NULL", "SELECT msg_id FROM envelopes" })
            {
                using var command = connection.CreateCommand();
                command.CommandText = table;
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    stored.Add((byte[])reader[0]);
                }
            }
        }

        Assert.NotEmpty(stored);
        var secrets = CodeNames.Append("north cell").Append("bath-house").ToList();
        var files = Directory.GetFiles(_data).Select(File.ReadAllBytes).ToList();
        foreach (var text in secrets)
        {
            foreach (var encoding in new Encoding[] { Encoding.UTF8, Encoding.Unicode })
            {
                var needle = encoding.GetBytes(text);
                Assert.DoesNotContain(stored, bytes => bytes.AsSpan().IndexOf(needle) >= 0);
                Assert.DoesNotContain(files, bytes => bytes.AsSpan().IndexOf(needle) >= 0);
            }
        }

        // Two epochs, two unlinkable drops: the relay saw a new random name after the commit.
        Assert.True(stored.Count(b => b.Length == DropName.Size) >= 2);
    }

    public void Dispose()
    {
        _owned.ForEach(o => o.Dispose());
        SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }

    /// <summary>A cell of five on the relay at <paramref name="relay"/>: reached directly, or, when it is of <paramref name="mixes"/>, through the mix.</summary>
    private async Task<Dictionary<string, CellMember>> CellAsync(Uri relay, MixLayer? mixes = null)
    {
        var target = HttpRelay.AddressOf(relay);
        var http = mixes is null
            ? new HttpRelay(relay)
            : new HttpRelay(target, new MixHandler(target, [.. mixes.Addresses.Select(HttpRelay.AddressOf)], mixes.Pins, MixLayer.Options(new NodeOptions())));
        _owned.Add(http);
        var people = new People(http, new CellSettings(TimeSpan.FromSeconds(60), TimeProvider.System));
        _owned.Add(people);
        return await people.CellAsync(CodeNames);
    }
}
