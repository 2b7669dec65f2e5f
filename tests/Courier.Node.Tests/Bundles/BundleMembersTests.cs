using System.Security.Cryptography;
using Courier.Relay.Client.Bundles;
using Courier.TestKit;
using NSec.Cryptography;

namespace Courier.Node.Tests.Bundles;

/// <summary>Issue 19, must-hold 2: one bundle for three cells; each member's import yields exactly its own messages, and the file looks random.</summary>
public sealed class BundleMembersTests
{
    [Fact]
    public async Task Each_member_imports_exactly_its_own_messages_once_from_a_bundle_for_three_cells()
    {
        using var nodes = new TestNodes();
        var (a, b, c, d) = (Create(nodes), Create(nodes), Create(nodes), Create(nodes));
        await TestNodes.ContactAsync(nodes.RelayUri, a, b, "Bea");
        await TestNodes.ContactAsync(nodes.RelayUri, a, c, "Cyril");
        await TestNodes.ContactAsync(nodes.RelayUri, a, d, "Dora");
        a.CreateLayer("north", [nodes.RelayUri], mixPins: [RelayIdentityKey()]);
        foreach (var (cell, members) in new[] { ("one", new[] { "Bea", "Cyril" }), ("two", ["Cyril"]), ("three", ["Dora"]) })
        {
            await a.CreateCellAsync(cell, "north");
            await a.AddToCellAsync(cell, members);
        }

        foreach (var member in new[] { b, c, d })
        {
            await member.SyncAsync();
        }

        nodes.Relay.Unreachable = true;
        foreach (var (cell, text) in new[] { ("one", "one: first"), ("two", "two: only"), ("one", "one: second"), ("three", "three: only") })
        {
            await Assert.ThrowsAsync<RelayUnreachableException>(() => a.SendAsync(cell, text));
        }

        var export = await a.ExportBundleAsync();
        Assert.Equal((4, 64 * 1024), (export.Envelopes, export.Bundle.Length));
        Assert.Equal(["north"], export.Layers);
        Assert.Null(ByteStatistics.Refusal(export.Bundle));

        Assert.Equal(["one: first", "one: second"], (await b.ImportBundleAsync(export.Bundle)).Select(m => m.Text));
        Assert.Equal(["one: first", "one: second", "two: only"], (await c.ImportBundleAsync(export.Bundle)).Select(m => m.Text).Order());
        Assert.Equal(["three: only"], (await d.ImportBundleAsync(export.Bundle)).Select(m => m.Text));

        // Imported again: nothing new.
        foreach (var member in new[] { b, c, d })
        {
            Assert.Empty(await member.ImportBundleAsync(export.Bundle));
        }

        // The relay is back: the sender's outbox leaves as usual, and no member reads anything twice.
        nodes.Relay.Unreachable = false;
        Assert.Empty((await a.SyncAsync()).Problems);
        Assert.Empty(a.Outbox);
        foreach (var member in new[] { b, c, d })
        {
            Assert.Empty((await member.SyncAsync()).Received);
        }

        Assert.Equal(["one: first", "one: second"], b.Read("one").Select(m => m.Text));
        Assert.Equal(["three: only"], d.Read("three").Select(m => m.Text));

        // A node of another organization finds nothing for it, as it would in random bytes.
        using var others = new TestNodes();
        var stranger = others.Create();
        stranger.CreateLayer("south", [others.RelayUri]);
        await stranger.CreateCellAsync("south", "south");
        Assert.Equal(BundleRefusal.NothingForYou, (await Assert.ThrowsAsync<BundleException>(() => stranger.ImportBundleAsync(export.Bundle))).Reason);
        using var recognizer = await stranger.BundleRecognizerAsync();
        Assert.False(recognizer.RecognizesBundle(export.Bundle));
        using var ours = await c.BundleRecognizerAsync();
        Assert.True(ours.RecognizesBundle(export.Bundle));
    }

    [Fact]
    public async Task A_bundle_altered_anywhere_imports_nothing_at_a_member()
    {
        using var nodes = new TestNodes();
        var (a, b) = (Create(nodes), Create(nodes));
        await TestNodes.ContactAsync(nodes.RelayUri, a, b, "Bea");
        a.CreateLayer("north", [nodes.RelayUri], mixPins: [RelayIdentityKey()]);
        await a.CreateCellAsync("one", "north");
        await a.AddToCellAsync("one", ["Bea"]);
        await b.SyncAsync();
        nodes.Relay.Unreachable = true;
        await Assert.ThrowsAsync<RelayUnreachableException>(() => a.SendAsync("one", "carried"));
        var bundle = (await a.ExportBundleAsync()).Bundle;

        foreach (var position in new[] { 0, 31, 40, 64, 3000, 8191, 8192, 12_300, bundle.Length - 1 })
        {
            var altered = (byte[])bundle.Clone();
            altered[position] ^= 0x80;
            await Assert.ThrowsAsync<BundleException>(() => b.ImportBundleAsync(altered));
        }

        await Assert.ThrowsAsync<BundleException>(() => b.ImportBundleAsync(bundle[..^1]));
        Assert.Empty(b.Inbox());
        Assert.Equal(["carried"], (await b.ImportBundleAsync(bundle)).Select(m => m.Text));
    }

    [Fact]
    public async Task A_layer_without_a_pinned_relay_key_cannot_be_exported_and_nothing_waiting_writes_no_bundle()
    {
        using var nodes = new TestNodes();
        var a = Create(nodes);
        a.CreateLayer("unpinned", [nodes.RelayUri]);
        await a.CreateCellAsync("one", "unpinned");
        Assert.Equal(0, (await a.ExportBundleAsync()).Envelopes);

        nodes.Relay.Unreachable = true;
        await Assert.ThrowsAsync<RelayUnreachableException>(() => a.SendAsync("one", "waits"));
        var refused = await Assert.ThrowsAsync<NoRelayIdentityException>(() => a.ExportBundleAsync(layer: "unpinned"));
        Assert.Contains("--mix-pin", refused.Message, StringComparison.Ordinal);
        Assert.Single(a.Outbox);
    }

    [Fact]
    public void The_statistical_tests_refuse_structured_files_of_the_same_size()
    {
        // Seeded controls: the tests have the power to refuse what is not random.
        var random = new Random(19);
        var text = new byte[64 * 1024];
        for (var i = 0; i < text.Length; i++)
        {
            text[i] = (byte)"etaoin shrdlu"[random.Next(13)];
        }

        var unsealed = new byte[64 * 1024];
        random.NextBytes(unsealed.AsSpan(0, 20 * 1024));
        var counted = new byte[64 * 1024];
        random.NextBytes(counted);
        for (var i = 0; i < counted.Length; i += 2)
        {
            // A visible 16-bit count every other byte pair, as an index in the clear would be.
            counted[i] = (byte)(i / 2 / 256);
        }

        Assert.NotNull(ByteStatistics.Refusal(text));
        Assert.NotNull(ByteStatistics.Refusal(unsealed));
        Assert.NotNull(ByteStatistics.Refusal(counted));
        Assert.Null(ByteStatistics.Refusal(RandomNumberGenerator.GetBytes(64 * 1024)));
    }

    private static CourierNode Create(TestNodes nodes) => nodes.Create(new NodeOptions
    {
        Kdf = TempHome.FastKdf,
        FirstContactTimeout = TimeSpan.FromSeconds(20),
        RelayRetry = TimeSpan.FromMilliseconds(50),
        Relays = _ => nodes.Relay,
    });

    private static byte[] RelayIdentityKey()
    {
        using var key = Key.Create(SignatureAlgorithm.Ed25519);
        return key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
    }
}
