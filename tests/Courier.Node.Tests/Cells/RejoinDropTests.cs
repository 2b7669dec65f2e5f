using System.Security.Cryptography;
using Courier.Node.Cells;
using Courier.Node.Relay;
using Courier.Relay.Client;

namespace Courier.Node.Tests.Cells;

/// <summary>
/// The rejoin drop (docs/cells.md, "Falling behind and rejoining") against those who do not hold the
/// cell's current rejoin secret: a stranger who learned its name, and a member removed from the cell
/// who kept the secret of before its removal. Neither can add to it, and the removed member cannot
/// open what it holds. With the in-memory relay and with a relay process.
/// </summary>
public sealed class RejoinDropTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("courier-rejoin-drop-").FullName;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Neither_a_stranger_nor_a_removed_member_can_append_to_the_rejoin_drop_or_open_its_records(bool relayProcess)
    {
        using var process = relayProcess ? await RelayProcess.StartAsync("--listen", $"127.0.0.1:{RelayProcess.FreePort()}", "--data", _data, "--rate-limit", "0") : null;
        using var http = process is null ? null : new HttpRelay(process.Address);
        IRelay relay = http is null ? new InMemoryRelay() : http;
        using var people = new People(relay);
        var cell = await people.CellAsync("Starik", "Alyosha", "Galya");
        await cell["Starik"].SendAsync(new TextContent("one"));
        await cell["Galya"].SyncAsync();
        var galyaSecret = (byte[])cell["Galya"].Store.Cursor.RejoinSecret.Clone();

        // Galya is removed; the cell moves on one more epoch, and its committers publish their records.
        await cell["Starik"].ChangeMembersAsync([], ["Galya"]);
        await cell["Alyosha"].SyncAsync();
        await cell["Alyosha"].UpdateKeysAsync();
        await cell["Starik"].SyncAsync();
        var epoch = cell["Starik"].Group.Epoch;
        using var current = CellRejoin.DropOf(cell["Starik"].Store.Cursor.RejoinSecret);
        using var galyas = CellRejoin.DropOf(galyaSecret);
        Assert.NotEqual(galyas.Name, current.Name);
        var before = await relay.FetchAsync(current.Name, current.ReadKey, 0, TimeSpan.Zero, default);
        Assert.Contains(before.Envelopes, e => current.TryOpen(e.Data) is (CellRejoin.RecordKind, var c) && RejoinRecord.TryDecode(c)?.Epoch == epoch);

        // Whoever learned the drop's name (the relay can tell it to anyone) signs with a key of its own; Galya with the one her old secret gives.
        using var strangers = DropAppendKey.Create();
        foreach (var key in new[] { strangers, galyas.AppendKey })
        {
            var refused = await Assert.ThrowsAsync<RelayRejectedException>(() => relay.AppendAsync(current.Name, key, RandomNumberGenerator.GetBytes(EnvelopeSizes.Small), MessageId.NewRandom(), default));
            Assert.Equal("bad_signature", refused.RelayError);
        }

        if (process is not null)
        {
            using var client = new HttpClient { BaseAddress = process.Address };
            var unsigned = await Assert.ThrowsAsync<RelayRequestException>(() => new RelayClient(client).AppendAsync(current.Name, null, RandomNumberGenerator.GetBytes(EnvelopeSizes.Small), MessageId.NewRandom()));
            Assert.Equal((401, "unauthenticated"), (unsigned.Status, unsigned.Error));
        }

        // Nothing was stored, and Galya's old read key does not read the drop.
        var after = await relay.FetchAsync(current.Name, current.ReadKey, 0, TimeSpan.Zero, default);
        Assert.Equal(before.Last, after.Last);
        Assert.Equal(before.Envelopes.Select(e => Convert.ToHexString(e.Data)), after.Envelopes.Select(e => Convert.ToHexString(e.Data)));
        await Assert.ThrowsAsync<RelayRejectedException>(() => relay.FetchAsync(current.Name, galyas.ReadKey, 0, TimeSpan.Zero, default));

        // Were the relay to hand her the records, she could not open one; and the drop her old secret names holds no epoch after her removal.
        Assert.All(after.Envelopes, e => Assert.Null(galyas.TryOpen(e.Data)));
        var old = await relay.FetchAsync(galyas.Name, galyas.ReadKey, 0, TimeSpan.Zero, default);
        var oldEpochs = old.Envelopes.Select(e => galyas.TryOpen(e.Data)).OfType<(byte Kind, byte[] Content)>().Select(o => RejoinRecord.TryDecode(o.Content)!.Epoch).ToList();
        Assert.NotEmpty(oldEpochs);
        Assert.All(oldEpochs, e => Assert.True(e < epoch - 1, $"epoch {e} of the old rejoin drop is after Galya's removal"));

        // The cell is unharmed.
        await cell["Alyosha"].SendAsync(new TextContent("still here"));
        Assert.Equal(new TextContent("still here"), Assert.Single(await cell["Starik"].SyncAsync()).Content);
    }

    public void Dispose() => Directory.Delete(_data, recursive: true);
}
