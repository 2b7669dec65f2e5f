using Courier.Mls.Crypto;
using Courier.Mls.Messages;
using Courier.Mls.TreeSync;

namespace Courier.Mls.Tests.TreeSync;

/// <summary>
/// The ratchet tree (RFC 9420 §4, §7.1, §7.7-§7.9): structure, operations, hashes, and each tree
/// check's rejection (the test name carries the <see cref="MlsCheck"/> id).
/// </summary>
public class RatchetTreeTests
{
    private static readonly CipherSuite Suite1 = CipherSuite.Suite1;

    public static TheoryData<CipherSuiteId> Suites() => TestSuites.All();

    [Theory]
    [MemberData(nameof(Suites))]
    public void Commits_with_adds_and_removes_keep_every_member_in_agreement(CipherSuiteId suiteId)
    {
        using var f = new TreeFixture(suiteId, 5);
        f.Commit(2);
        f.Commit(4, remove: [1], add: 2);
        f.Commit(0, remove: [3]);
        f.Commit(1);

        // The tree survives the ratchet_tree extension form unchanged.
        var decoded = RatchetTree.Decode(f.Suite, f.Tree.ToBytes());
        Assert.Equal(f.Tree.TreeHash(), decoded.TreeHash());
        decoded.VerifyParentHashes();
        decoded.VerifyTreeHash(f.Tree.TreeHash());
    }

    [Fact]
    public void Resolution_follows_the_example_of_rfc_section_4_1_1()
    {
        // Leaves A B _ D E F _ H; X = node 3 with unmerged leaf B; Y = node 9; every other parent blank.
        var nodes = new Node?[15];
        foreach (var leaf in new[] { 0, 1, 3, 4, 5, 7 })
        {
            nodes[2 * leaf] = DummyLeaf();
        }

        nodes[3] = DummyParent([1]);
        nodes[9] = DummyParent([]);
        var tree = RatchetTree.FromNodes(Suite1, nodes);

        Assert.Equal([3u, 2u], tree.Resolution(3));
        Assert.Empty(tree.Resolution(4));
        Assert.Empty(tree.Resolution(12));
        Assert.Equal([3u, 2u, 9u, 14u], tree.Resolution(7));
    }

    [Fact]
    public void FilteredDirectPath_follows_the_example_of_rfc_section_4_1_2()
    {
        // Leaves A B _ _ E F G _; T = 1, X = 9, Y = 11, W = 7 non-blank; U = 3, V = 5, Z = 13 blank.
        var nodes = new Node?[15];
        foreach (var leaf in new[] { 0, 1, 4, 5, 6 })
        {
            nodes[2 * leaf] = DummyLeaf();
        }

        foreach (var parent in new[] { 1, 7, 9, 11 })
        {
            nodes[parent] = DummyParent([]);
        }

        // The ratchet_tree form drops the trailing blank leaf H.
        var tree = RatchetTree.FromNodes(Suite1, nodes[..13]);
        Assert.Equal(8u, tree.LeafCount);
        Assert.Equal([1u, 7u], tree.FilteredDirectPath(0));
        Assert.Equal([1u, 7u], tree.FilteredDirectPath(1));
        Assert.Equal([9u, 11u, 7u], tree.FilteredDirectPath(4));
        Assert.Equal([11u, 7u], tree.FilteredDirectPath(6));
    }

    [Fact]
    public void AddLeaf_takes_the_leftmost_blank_leaf_and_is_unmerged_at_its_non_blank_ancestors()
    {
        using var f = new TreeFixture(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, 4);

        // Leaf 0 commits the removal of leaves 1 and 3: its path sets the root (3) but not node 1.
        f.Commit(0, remove: [1, 3]);
        Assert.Equal(4u, f.Tree.LeafCount);
        Assert.True(f.Tree.IsBlank(1));
        var tree = f.Tree.Clone();

        Assert.Equal(1u, tree.AddLeaf(NewLeaf(f)));
        Assert.Equal([1u], tree.GetParent(3)!.UnmergedLeaves);
        Assert.Equal(3u, tree.AddLeaf(NewLeaf(f)));
        Assert.Equal([1u, 3u], tree.GetParent(3)!.UnmergedLeaves);
        Assert.Equal([3u, 2u, 6u], tree.Resolution(3));

        // A full tree doubles, the old tree becoming the left half under a blank root.
        Assert.Equal(4u, tree.AddLeaf(NewLeaf(f)));
        Assert.Equal(8u, tree.LeafCount);
        Assert.True(tree.IsBlank(7));
        Assert.Equal([1u, 3u], tree.GetParent(3)!.UnmergedLeaves);
    }

    [Fact]
    public void AddLeaf_keeps_unmerged_leaves_sorted()
    {
        var tree = RatchetTree.FromNodes(Suite1, [DummyLeaf(), null, null, DummyParent([3]), DummyLeaf(), null, DummyLeaf()]);
        Assert.Equal(1u, tree.AddLeaf(DummyLeaf().LeafNode!));
        Assert.Equal([1u, 3u], tree.GetParent(3)!.UnmergedLeaves);
    }

    [Fact]
    public void RemoveLeaf_blanks_the_direct_path_and_truncates_the_blank_right_half()
    {
        using var f = new TreeFixture(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, 5);
        f.Commit(4);
        Assert.Equal(8u, f.Tree.LeafCount);
        var tree = f.Tree.Clone();
        tree.RemoveLeaf(4);
        Assert.Equal(4u, tree.LeafCount);
        Assert.Equal(7, tree.ToNodes().Count);

        tree.RemoveLeaf(3);
        tree.RemoveLeaf(2);
        Assert.Equal(2u, tree.LeafCount);
        tree.RemoveLeaf(1);
        Assert.Equal(1u, tree.LeafCount);
        Assert.Single(tree.ToNodes());
    }

    [Fact]
    public void ToNodes_drops_trailing_blanks_and_FromNodes_pads_them_back()
    {
        using var f = new TreeFixture(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, 3);
        Assert.Equal(4u, f.Tree.LeafCount);
        var nodes = f.Tree.ToNodes();
        Assert.Equal(5, nodes.Count);
        Assert.NotNull(nodes[^1]);

        var copy = RatchetTree.FromNodes(f.Suite, nodes);
        Assert.Equal(4u, copy.LeafCount);
        Assert.Equal(f.Tree.TreeHash(), copy.TreeHash());
        Assert.Equal(f.Tree.ToBytes(), copy.ToBytes());
    }

    [Fact]
    public void Clone_is_independent_and_cached_hashes_follow_mutations()
    {
        using var f = new TreeFixture(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, 4);
        var before = f.Tree.TreeHash();
        var clone = f.Tree.Clone();
        var (update, key) = f.NewUpdateLeaf(3);
        using (key)
        {
            clone.UpdateLeaf(3, update);
        }

        Assert.Equal(before, f.Tree.TreeHash());
        Assert.NotEqual(before, clone.TreeHash());

        // The cached hashes of the mutated clone equal those of a tree hashed from scratch.
        var fresh = RatchetTree.Decode(f.Suite, clone.ToBytes());
        for (var x = 0u; x < clone.NodeCount; x++)
        {
            Assert.Equal(fresh.TreeHash(x), clone.TreeHash(x));
        }
    }

    [Fact]
    public void Rejects_TreeHash_when_a_node_changed()
    {
        using var f = new TreeFixture(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, 4);
        var agreed = f.Tree.TreeHash();
        var nodes = f.Tree.ToNodes();
        var parent = nodes[1]!.ParentNode!;
        nodes[1] = new Node(parent with { UnmergedLeaves = [0] });
        var tampered = RatchetTree.FromNodes(f.Suite, nodes);

        f.Tree.VerifyTreeHash(agreed);
        AssertRejected(MlsCheck.TreeHash, () => tampered.VerifyTreeHash(agreed));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Rejects_ParentHash_of_a_tampered_parent_hash(CipherSuiteId suiteId)
    {
        using var f = new TreeFixture(suiteId, 4);
        f.Commit(2);
        var nodes = f.Tree.ToNodes();
        var parent = nodes[5]!.ParentNode!;
        var forged = (byte[])parent.ParentHash.Clone();
        forged[0] ^= 1;
        nodes[5] = new Node(parent with { ParentHash = forged });

        var tree = RatchetTree.FromNodes(f.Suite, nodes);
        AssertRejected(MlsCheck.ParentHash, tree.VerifyParentHashes);
    }

    [Fact]
    public void Rejects_ParentHash_of_a_replaced_parent_key()
    {
        using var f = new TreeFixture(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, 4);
        var nodes = f.Tree.ToNodes();
        nodes[3] = new Node(nodes[3]!.ParentNode! with { EncryptionKey = RandomKey() });

        var tree = RatchetTree.FromNodes(f.Suite, nodes);
        AssertRejected(MlsCheck.ParentHash, tree.VerifyParentHashes);
    }

    [Fact]
    public void Rejects_ParentHash_of_a_parent_no_leaf_chains_to()
    {
        using var f = new TreeFixture(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, 4);
        var nodes = f.Tree.ToNodes();
        Assert.Null(nodes[5]);
        nodes[5] = DummyParent([]);

        var tree = RatchetTree.FromNodes(f.Suite, nodes);
        AssertRejected(MlsCheck.ParentHash, tree.VerifyParentHashes);
    }

    [Fact]
    public void Rejects_TreeStructure_of_an_empty_tree()
        => AssertRejected(MlsCheck.TreeStructure, () => RatchetTree.FromNodes(Suite1, []));

    [Fact]
    public void Rejects_TreeStructure_of_a_blank_last_node()
        => AssertRejected(MlsCheck.TreeStructure, () => RatchetTree.FromNodes(Suite1, [DummyLeaf(), null, DummyLeaf(), null, null]));

    [Fact]
    public void Rejects_TreeStructure_of_a_parent_at_a_leaf_position()
        => AssertRejected(MlsCheck.TreeStructure, () => RatchetTree.FromNodes(Suite1, [DummyLeaf(), null, DummyParent([])]));

    [Fact]
    public void Rejects_TreeStructure_of_a_leaf_at_a_parent_position()
        => AssertRejected(MlsCheck.TreeStructure, () => RatchetTree.FromNodes(Suite1, [DummyLeaf(), DummyLeaf(), DummyLeaf()]));

    [Fact]
    public void Rejects_UnmergedLeaves_not_in_increasing_order()
        => AssertRejected(MlsCheck.UnmergedLeaves, () => RatchetTree.FromNodes(Suite1, [DummyLeaf(), null, DummyLeaf(), DummyParent([2, 1]), DummyLeaf(), null, DummyLeaf()]));

    [Fact]
    public void Rejects_UnmergedLeaves_listed_twice()
        => AssertRejected(MlsCheck.UnmergedLeaves, () => RatchetTree.FromNodes(Suite1, [DummyLeaf(), null, DummyLeaf(), DummyParent([1, 1]), DummyLeaf(), null, DummyLeaf()]));

    [Fact]
    public void Rejects_UnmergedLeaves_not_below_the_parent()
        => AssertRejected(MlsCheck.UnmergedLeaves, () => RatchetTree.FromNodes(Suite1, [DummyLeaf(), DummyParent([2]), DummyLeaf(), null, DummyLeaf()]));

    [Fact]
    public void Rejects_UnmergedLeaves_naming_a_blank_leaf()
        => AssertRejected(MlsCheck.UnmergedLeaves, () => RatchetTree.FromNodes(Suite1, [DummyLeaf(), DummyParent([1]), null, null, DummyLeaf()]));

    [Fact]
    public void Rejects_UnmergedLeaves_missing_at_a_node_between_leaf_and_parent()
        => AssertRejected(MlsCheck.UnmergedLeaves, () => RatchetTree.FromNodes(Suite1, [DummyLeaf(), DummyParent([]), DummyLeaf(), DummyParent([1]), DummyLeaf()]));

    [Fact]
    public void Rejects_DuplicateEncryptionKey_in_two_nodes()
    {
        var leaf = DummyLeaf();
        var parent = new Node(new ParentNode(leaf.LeafNode!.EncryptionKey, [], []));
        AssertRejected(MlsCheck.DuplicateEncryptionKey, () => RatchetTree.FromNodes(Suite1, [leaf, parent, DummyLeaf()]));
    }

    [Fact]
    public void Rejects_HpkePublicKey_of_the_wrong_length_in_a_node()
    {
        var parent = new Node(new ParentNode(new byte[31], [], []));
        AssertRejected(MlsCheck.HpkePublicKey, () => RatchetTree.FromNodes(Suite1, [DummyLeaf(), parent, DummyLeaf()]));
    }

    [Fact]
    public void Operations_refuse_caller_bugs()
    {
        var tree = RatchetTree.FromNodes(Suite1, [DummyLeaf(), null, null, null, DummyLeaf()]);
        Assert.Null(tree.GetLeaf(1));
        Assert.Null(tree.GetLeaf(100));
        Assert.Throws<ArgumentException>(() => tree.RemoveLeaf(1));
        Assert.Throws<ArgumentException>(() => tree.UpdateLeaf(3, DummyLeaf().LeafNode!));
        Assert.Throws<ArgumentException>(() => tree.GetParent(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.Resolution(7));
    }

    private static LeafNode NewLeaf(TreeFixture f)
    {
        var (leaf, key, signer) = f.NewKeyPackageLeaf();
        key.Dispose();
        signer.Dispose();
        return leaf;
    }

    internal static void AssertRejected(MlsCheck check, Action action)
    {
        var e = Assert.Throws<MessageRejectedException>(action);
        Assert.Equal(check, e.Check);
    }

    internal static void AssertRejected(MlsCheck check, Func<object> action) => AssertRejected(check, () => { action(); });

    internal static byte[] RandomKey()
    {
        var key = new byte[32];
        SystemRandom.Instance.Fill(key);
        return key;
    }

    /// <summary>An unsigned leaf with random keys, for structure tests that never check signatures.</summary>
    private static Node DummyLeaf()
    {
        var capabilities = new Capabilities([1], [1], [], [], [CredentialType.Basic]);
        return new Node(new LeafNode(RandomKey(), RandomKey(), Credential.Basic([1]), capabilities, LeafNodeSource.Update, null, null, [], []));
    }

    private static Node DummyParent(uint[] unmergedLeaves) => new(new ParentNode(RandomKey(), [], unmergedLeaves));
}
