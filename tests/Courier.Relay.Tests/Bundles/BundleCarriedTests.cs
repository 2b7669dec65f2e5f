using Courier.Node;
using Courier.Relay.Client;
using Courier.Relay.Client.Bundles;
using Courier.TestKit;

namespace Courier.Relay.Tests.Bundles;

/// <summary>Issue 19, must-hold 1: a bundle carried from a member no relay can reach to a relay of each layer.</summary>
public sealed class BundleCarriedTests
{
    [Fact]
    public async Task A_bundle_carried_to_a_relay_of_each_layer_delivers_every_message_exactly_once_and_nothing_altered_imports()
    {
        await using var f = await BundleRelayFixture.StartAsync();
        f.CutA.Cut = true;
        foreach (var (cell, text) in new[] { ("n", "north one"), ("n", "north two"), ("s", "south one") })
        {
            await Assert.ThrowsAsync<RelayUnreachableException>(() => f.A.SendAsync(cell, text));
        }

        var export = await f.A.ExportBundleAsync();
        Assert.Equal(3, export.Envelopes);
        using var file = new TempDirectory();
        var path = Path.Combine(file.Path, "carried.bin");
        await File.WriteAllBytesAsync(path, export.Bundle);
        var bundle = await File.ReadAllBytesAsync(path);
        Assert.Contains(bundle.Length, BundleFormat.Sizes);

        // Altered or truncated anywhere: refused, at both relays, before anything is appended.
        foreach (var position in Positions(bundle.Length))
        {
            var altered = (byte[])bundle.Clone();
            altered[position.Byte] ^= position.Mask;
            var refused = await Assert.ThrowsAsync<RelayRequestException>(() => f.North.Client.ImportBundleAsync(altered));
            Assert.True(refused.Error is "bundle_altered" or "bundle_not_for_this_relay", $"byte {position.Byte}: {refused.Error}");
        }

        foreach (var length in new[] { 0, 1, 31, 8192, bundle.Length / 2, bundle.Length - 1 })
        {
            var refused = await Assert.ThrowsAsync<RelayRequestException>(() => f.North.Client.ImportBundleAsync(bundle.AsMemory(0, length)));
            Assert.Equal("bad_bundle_size", refused.Error);
        }

        Assert.Empty((await f.B.SyncAsync()).Received);

        // Each relay appends only its layer's envelopes; the other layer's section is not its own.
        Assert.Equal(new BundleImportResult(2, 0, 0, 0), await f.North.Client.ImportBundleAsync(bundle));
        Assert.Equal(new BundleImportResult(1, 0, 0, 0), await f.South.Client.ImportBundleAsync(bundle));
        Assert.Equal(["north one", "north two"], (await f.B.SyncAsync()).Received.Select(m => m.Text));
        Assert.Equal(["south one"], (await f.C.SyncAsync()).Received.Select(m => m.Text));

        // Imported again (a replay): nothing changes.
        Assert.Equal(new BundleImportResult(0, 2, 0, 0), await f.North.Client.ImportBundleAsync(bundle));
        Assert.Equal(new BundleImportResult(0, 1, 0, 0), await f.South.Client.ImportBundleAsync(bundle));
        Assert.Empty((await f.B.SyncAsync()).Received);

        // The member reaches its relays again: its outbox empties under the same message ids, and nobody reads anything twice.
        f.CutA.Cut = false;
        Assert.Empty((await f.A.SyncAsync()).Problems);
        Assert.Empty(f.A.Outbox);
        Assert.Empty((await f.B.SyncAsync()).Received);
        Assert.Empty((await f.C.SyncAsync()).Received);
        Assert.Equal(["north one", "north two"], f.B.Read("n").Select(m => m.Text));
        Assert.Equal(["south one"], f.C.Read("s").Select(m => m.Text));
    }

    /// <summary>Bits sampled in every part: the ephemeral key (its randomized top bit too), the MAC, slots, the header's filler, the sections' blocks and the random padding.</summary>
    private static IEnumerable<(int Byte, byte Mask)> Positions(int size)
    {
        yield return (0, 0x01);
        yield return (31, 0x80);
        yield return (40, 0x10);
        for (var slot = 0; slot < BundleFormat.SlotCount; slot += 7)
        {
            yield return (BundleFormat.SlotsOffset + (slot * BundleFormat.SlotSize) + 20, 0x04);
        }

        yield return (BundleFormat.HeaderSize - 1, 0x01);
        yield return (BundleFormat.HeaderSize, 0x01);
        yield return (BundleFormat.HeaderSize + BundleFormat.BlockSize + 100, 0x02);
        yield return (size / 2, 0x40);
        yield return (size - 1, 0x80);
    }
}
