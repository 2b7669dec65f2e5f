using Courier.Mls.Crypto;
using Courier.Mls.Group;
using Courier.Node.Cells;
using Courier.Node.Introductions;
using Courier.Relay.Client;

namespace Courier.Node.Tests.Cells;

/// <summary>
/// Post-quantum cells (docs/cells.md): nodes whose ciphersuite is 0x0054 (X-Wing key exchange) give
/// X-Wing KeyPackages and create cells of that suite, a cell of five works end to end on it through
/// a relay, and a layer that requires it refuses a KeyPackage of another suite with a typed error,
/// changing nothing.
/// </summary>
public class PostQuantumCellTests
{
    private const ushort XWing = (ushort)CipherSuiteId.MLS_256_XWING_CHACHA20POLY1305_SHA512_Ed25519;

    [Fact]
    public void A_node_of_suite_0x0054_gives_at_most_one_KeyPackage_per_first_contact()
    {
        using var nodes = new TestNodes();
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => nodes.Create(PostQuantum(nodes, keyPackages: 2)));
        Assert.Equal(nameof(NodeOptions.KeyPackagesPerContact), error.ParamName);
    }

    [Fact]
    public async Task A_cell_of_five_sends_and_reads_on_suite_0x0054()
    {
        using var nodes = new TestNodes();
        var anna = nodes.Create(PostQuantum(nodes));
        string[] names = ["Galya", "Ilya", "Starik", "Volodya"];
        var others = new List<CourierNode>();
        foreach (var name in names)
        {
            var other = nodes.Create(PostQuantum(nodes));
            await TestNodes.ContactAsync(nodes.RelayUri, anna, other, name);
            others.Add(other);
        }

        anna.CreateLayer("north", [nodes.RelayUri], requirePostQuantum: true);
        await anna.CreateCellAsync("north");
        await anna.AddToCellAsync("north", names);
        foreach (var other in others)
        {
            Assert.Equal(["north"], (await other.SyncAsync()).Contacts.JoinedCells);
        }

        CourierNode[] all = [anna, .. others];
        for (var i = 0; i < all.Length; i++)
        {
            await all[i].SendAsync("north", $"from member {i}");
        }

        foreach (var node in all)
        {
            await node.SyncAsync();
        }

        for (var i = 0; i < all.Length; i++)
        {
            var summary = all[i].Describe("north");
            Assert.Equal(XWing, summary.CipherSuite);
            Assert.Equal(5, summary.Members.Count);
            var texts = all[i].Read("north").Select(m => m.Text).ToHashSet();
            for (var j = 0; j < all.Length; j++)
            {
                if (j != i)
                {
                    Assert.Contains($"from member {j}", texts);
                }
            }
        }
    }

    [Fact]
    public async Task A_layer_requiring_it_refuses_a_KeyPackage_of_another_suite_and_changes_nothing()
    {
        using var nodes = new TestNodes();
        var anna = nodes.Create(PostQuantum(nodes));

        // Galya offers no KeyPackage at first contact, then sends one of suite 1 (as an older Courier would).
        var galya = nodes.Create(PostQuantum(nodes, keyPackages: 0));
        var (galyaAtAnna, annaAtGalya) = await nodes.ConnectAsync(anna, galya, acceptorName: "Galya");
        using (var toAnna = galya.FindRecord(annaAtGalya.Id))
        {
            using var signer = SignaturePrivateKey.Generate(SystemRandom.Instance);
            using var suite1 = KeyPackageBundle.Generate(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, "galya"u8, signer, 0, ulong.MaxValue, SystemRandom.Instance);
            await PairwiseChannel.AppendAsync(nodes.Relay, toAnna, PairwiseChannel.Seal(toAnna, ++toAnna.LastSent, PairwiseMessageType.KeyPackage, suite1.KeyPackageBytes), MessageId.NewRandom(), default);
        }

        await anna.SyncAsync();
        using (var before = anna.FindRecord(galyaAtAnna.Id))
        {
            Assert.Single(before.TheirKeyPackages);
        }

        anna.CreateLayer("north", [nodes.RelayUri], requirePostQuantum: true);
        await anna.CreateCellAsync("north");
        var epoch = anna.Describe("north").Epoch;

        var error = await Assert.ThrowsAsync<PostQuantumRequiredException>(() => anna.AddToCellAsync("north", ["Galya"]));
        Assert.Equal("post_quantum_required", error.ErrorCode);
        Assert.Contains("0x0054", error.Message, StringComparison.Ordinal);

        // Nothing changed: the KeyPackage is still there, the cell still has one member at the same epoch.
        using (var after = anna.FindRecord(galyaAtAnna.Id))
        {
            Assert.Single(after.TheirKeyPackages);
        }

        Assert.Equal(epoch, anna.Describe("north").Epoch);
        Assert.Single(anna.Describe("north").Members);
        Assert.True(anna.Layers.Single().RequirePostQuantum);
    }

    [Fact]
    public async Task Nodes_of_the_default_suite_give_X_Wing_KeyPackages_on_the_relay_of_a_layer_that_requires_it()
    {
        // Two nodes with the default options (suite 1, three KeyPackages per contact), each with a
        // layer that requires post-quantum cells on the relay where they meet.
        using var nodes = new TestNodes();
        var (anna, galya) = (nodes.Create(), nodes.Create());
        anna.CreateLayer("north", [nodes.RelayUri], requirePostQuantum: true);
        galya.CreateLayer("north", [nodes.RelayUri], requirePostQuantum: true);
        var (galyaAtAnna, _) = await nodes.ConnectAsync(anna, galya, acceptorName: "Galya");
        using (var record = anna.FindRecord(galyaAtAnna.Id))
        {
            Assert.Equal([XWing], record.TheirKeyPackages.Select(k => KeyPackages.CipherSuiteOf(k) ?? 0));
        }

        await anna.CreateCellAsync("north-1", "north");
        Assert.Equal(XWing, anna.Describe("north-1").CipherSuite);
        Assert.Empty(await anna.AddToCellAsync("north-1", ["Galya"]));
        Assert.Equal(["north-1"], (await galya.SyncAsync()).Contacts.JoinedCells);
        await anna.SyncAsync();
        using (var record = anna.FindRecord(galyaAtAnna.Id))
        {
            // The KeyPackage sent back in place of the one used is of the same suite.
            Assert.Equal([XWing], record.TheirKeyPackages.Select(k => KeyPackages.CipherSuiteOf(k) ?? 0));
        }

        await galya.SendAsync("north-1", "over X-Wing");
        await anna.SyncAsync();
        Assert.Equal(["over X-Wing"], anna.Read("north-1").Select(m => m.Text));
        Assert.Equal(XWing, galya.Describe("north-1").CipherSuite);
    }

    [Fact]
    public async Task A_Welcome_of_another_suite_into_a_layer_that_requires_it_is_refused_once_and_joins_nothing()
    {
        // Galya made contact before she made her layer post-quantum: Anna holds suite-1 KeyPackages of hers.
        using var nodes = new TestNodes();
        var (anna, galya) = (nodes.Create(), nodes.Create());
        await nodes.ConnectAsync(anna, galya, acceptorName: "Galya");
        galya.CreateLayer("north", [nodes.RelayUri], requirePostQuantum: true);
        anna.CreateLayer("open", [nodes.RelayUri]);
        await anna.CreateCellAsync("open-1");
        await anna.AddToCellAsync("open-1", ["Galya"]);

        var refused = await galya.SyncAsync();
        Assert.Empty(refused.Contacts.JoinedCells);
        var said = Assert.Single(refused.Contacts.Rejected);
        Assert.Contains("is not of the post-quantum ciphersuite its layer \"north\" requires", said, StringComparison.Ordinal);
        Assert.Contains("--post-quantum", said, StringComparison.Ordinal);
        Assert.Empty(galya.Cells);

        var again = await galya.SyncAsync();
        Assert.Empty(again.Contacts.Rejected);
        Assert.Empty(again.Problems);
        Assert.Empty(galya.Cells);
    }

    /// <summary>The test kit's options with ciphersuite 0x0054.</summary>
    private static NodeOptions PostQuantum(TestNodes nodes, int keyPackages = 1) => new()
    {
        Kdf = TempHome.FastKdf,
        FirstContactTimeout = TimeSpan.FromSeconds(20),
        Relays = _ => nodes.Relay,
        CipherSuite = CipherSuiteId.MLS_256_XWING_CHACHA20POLY1305_SHA512_Ed25519,
        KeyPackagesPerContact = keyPackages,
    };
}
