using Courier.Node.Relay;
using Courier.Relay.Bundles;
using Courier.Relay.Client;
using Courier.Relay.Client.Bundles;
using Courier.Relay.Storage.Sqlite;

namespace Courier.Relay.Tests.Bundles;

/// <summary>Issue 19, at a relay: chosen drops exported into a bundle, imported at a relay that never had them and read by a member directly.</summary>
public sealed class RelayExportTests
{
    [Fact]
    public async Task Chosen_drops_exported_at_one_relay_reach_the_members_through_another_exactly_once()
    {
        await using var f = await BundleRelayFixture.StartAsync();

        // C joins cell n too: B will read n through the south relay, C from the bundle itself.
        await f.A.AddToCellAsync("n", ["Cyril"]);
        await f.B.SyncAsync();
        await f.C.SyncAsync();
        var n = await f.C.JoinPendingCellAsync(Assert.Single(f.C.PendingCells).Id);
        foreach (var text in new[] { "one", "two", "three" })
        {
            await f.A.SendAsync("n", text);
        }

        // B fetched the drops of n's epochs in order: the last is the current one; the one before is not chosen.
        // The store opened beside the running relay, as 'courier relay export --data' does.
        var (chosen, notChosen) = (f.MoveB.Fetched[^1], f.MoveB.Fetched[^2]);
        DropExport export;
        await using (var beside = SqliteDropStore.Open(f.North.DataPath))
        {
            export = await DropExporter.ExportAsync(beside, [chosen], [f.South.Host.MixIdentityKey!], DateTimeOffset.UtcNow.ToUnixTimeSeconds(), default);
        }

        Assert.Equal(3, export.Envelopes);
        Assert.Contains(export.Bundle.Length, BundleFormat.Sizes);
        var unknown = await Assert.ThrowsAsync<ArgumentException>(() => DropExporter.ExportAsync(f.North.Host.Store, [DropName.NewRandom()], [f.South.Host.MixIdentityKey!], 0, default));
        Assert.DoesNotContain(chosen.ToString(), unknown.Message, StringComparison.Ordinal);

        // Altered or cut short: refused, and the relay still has no such drop.
        foreach (var position in new[] { 0, 40, BundleFormat.SlotsOffset + 3, BundleFormat.HeaderSize + 10, export.Bundle.Length - 1 })
        {
            var altered = (byte[])export.Bundle.Clone();
            altered[position] ^= 0x01;
            var refused = await Assert.ThrowsAsync<RelayRequestException>(() => f.South.Client.ImportBundleAsync(altered));
            Assert.True(refused.Error is "bundle_altered" or "bundle_not_for_this_relay", $"byte {position}: {refused.Error}");
        }

        var truncated = await Assert.ThrowsAsync<RelayRequestException>(() => f.South.Client.ImportBundleAsync(export.Bundle.AsMemory(0, export.Bundle.Length - 1)));
        Assert.Equal("bad_bundle_size", truncated.Error);
        Assert.Null(await f.South.Host.Store.GetDropKeysAsync(chosen, default));

        // The south relay never had the drop: it creates it with its keys and appends its envelopes, once.
        Assert.Equal(new BundleImportResult(3, 0, 0, 0), await f.South.Client.ImportBundleAsync(export.Bundle));
        Assert.Equal(new BundleImportResult(0, 3, 0, 0), await f.South.Client.ImportBundleAsync(export.Bundle));
        Assert.Equal((await f.North.Host.Store.GetDropKeysAsync(chosen, default))!.Value.ToArray(), (await f.South.Host.Store.GetDropKeysAsync(chosen, default))!.Value.ToArray());
        Assert.NotNull(await f.North.Host.Store.GetDropKeysAsync(notChosen, default));
        Assert.Null(await f.South.Host.Store.GetDropKeysAsync(notChosen, default));

        // C, a member, reads the bundle by the drop's read key: every message once.
        Assert.Equal(["one", "two", "three"], (await f.C.ImportBundleAsync(export.Bundle)).Select(m => m.Text));
        Assert.Empty(await f.C.ImportBundleAsync(export.Bundle));

        // B's relay is now the south one: B fetches every message once; C, fetching from the north one, reads nothing twice.
        using var south = new HttpRelay(f.South.Host.Address);
        f.MoveB.To = south;
        Assert.Equal(["one", "two", "three"], (await f.B.SyncAsync()).Received.Select(m => m.Text));
        Assert.Empty((await f.B.SyncAsync()).Received);
        Assert.Empty((await f.C.SyncAsync()).Received);
        Assert.Equal(["one", "two", "three"], f.C.Read(n).Select(m => m.Text));
    }

    [Fact]
    public async Task A_member_behind_reads_a_commit_from_an_export_and_then_the_next_epochs_messages_once()
    {
        await using var f = await BundleRelayFixture.StartAsync();
        var before = f.B.Cells.Single(c => c.Name == "n").Epoch;

        // B, offline, misses a message, the commit that adds C, and two messages of the next epoch.
        await f.A.SendAsync("n", "before");
        await f.A.AddToCellAsync("n", ["Cyril"]);
        await f.C.SyncAsync();
        await f.C.JoinPendingCellAsync(Assert.Single(f.C.PendingCells).Id);
        foreach (var text in new[] { "after one", "after two" })
        {
            await f.A.SendAsync("n", text);
        }

        // The drop B last read (the commit's epoch) and the one C reads now (the next; C also reads its contacts' drops on the south relay).
        await f.C.SyncAsync();
        var next = f.MoveC.Fetched[^1];
        foreach (var drop in f.MoveC.Fetched)
        {
            next = await f.North.Host.Store.GetDropKeysAsync(drop, default) is not null ? drop : next;
        }

        DropName[] drops = [f.MoveB.Fetched[^1], next];
        var export = await DropExporter.ExportAsync(f.North.Host.Store, drops, [f.South.Host.MixIdentityKey!], DateTimeOffset.UtcNow.ToUnixTimeSeconds(), default);

        Assert.Equal(["before", "after one", "after two"], (await f.B.ImportBundleAsync(export.Bundle)).Select(m => m.Text));
        var cell = f.B.Cells.Single(c => c.Name == "n");
        Assert.Equal(before + 1, cell.Epoch);
        Assert.Equal(f.A.Cells.Single(c => c.Name == "n").Epoch, cell.Epoch);
        Assert.Equal(3, cell.Members.Count);

        // Imported again, or fetched from the relay: nothing twice.
        Assert.Empty(await f.B.ImportBundleAsync(export.Bundle));
        Assert.Empty((await f.B.SyncAsync()).Received);
        Assert.Equal(["before", "after one", "after two"], f.B.Read("n").Select(m => m.Text));
    }

    [Fact]
    public async Task Drops_that_hold_more_than_the_largest_bundle_are_refused_and_one_that_fits_is_exported()
    {
        // Two drops of 40 MiB each pass the 64 MiB of the largest bundle: refused as too large (the
        // exporter stops reading at 64 MiB; that it stops early is not observed here), one alone is exported.
        var store = new Courier.Relay.Storage.Memory.InMemoryDropStore();
        DropName[] drops = [DropName.NewRandom(), DropName.NewRandom()];
        foreach (var drop in drops)
        {
            await store.CreateDropAsync(drop, (byte[])[.. DropReadKey.Create().PublicKey, .. new byte[32]], default);
            for (var i = 0; i < 40 * 16; i++)
            {
                await store.AppendAsync(drop, MessageId.NewRandom(), new byte[EnvelopeSizes.Max], int.MaxValue, default);
            }
        }

        byte[][] relay = [DropReadKey.Create().PublicKey];
        var refused = await Assert.ThrowsAsync<BundleException>(() => DropExporter.ExportAsync(store, drops, relay, 0, default));
        Assert.Equal(BundleRefusal.TooLarge, refused.Reason);
        Assert.Equal(40 * 16, (await DropExporter.ExportAsync(store, drops[..1], relay, 0, default)).Envelopes);
    }
}
