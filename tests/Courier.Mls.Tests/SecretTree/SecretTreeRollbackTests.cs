using Courier.Mls.Crypto;
using Courier.Mls.SecretTree;

namespace Courier.Mls.Tests.SecretTree;

/// <summary>
/// Putting the secret tree back after a rejected message saves only what the key requests touched,
/// and restores the tree exactly: the same saved bytes, the same changed records, the same keys after.
/// </summary>
public class SecretTreeRollbackTests
{
    private static readonly byte[] Root = [.. Enumerable.Range(7, CipherSuite.Suite1.HashSize).Select(i => (byte)i)];

    public static TheoryData<string> Scenarios() => new()
    {
        "start a leaf from the root",
        "start two leaves, the second from a node the first derived",
        "move a started ratchet forward, keeping skipped keys",
        "take a kept out-of-order key",
        "evict kept keys beyond the limit",
        "send",
        "refused request after a good one",
    };

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Undo_puts_the_tree_back_exactly(string scenario)
    {
        var suite = CipherSuite.Suite1;
        using var tree = UsedTree(suite);
        using var twin = UsedTree(suite);
        var before = SavedState.Save(tree);

        using (var rollback = tree.BeginRollback())
        {
            Run(tree, scenario);
            Assert.NotEqual(before, SavedState.Save(tree));
            rollback.Undo();
        }

        Assert.Equal(before, SavedState.Save(tree));
        Assert.Equal(Changed(twin), Changed(tree));
        Assert.Equal(Requests(twin), Requests(tree));
        Assert.Equal(SavedState.Save(twin), SavedState.Save(tree));
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Without_undo_the_changes_stay(string scenario)
    {
        var suite = CipherSuite.Suite3;
        using var tree = UsedTree(suite);
        using var twin = UsedTree(suite);

        using (tree.BeginRollback())
        {
            Run(tree, scenario);
        }

        Run(twin, scenario);
        Assert.Equal(SavedState.Save(twin), SavedState.Save(tree));
        Assert.Equal(Changed(twin), Changed(tree));
        Assert.Equal(Requests(twin), Requests(tree));
    }

    [Fact]
    public void Only_the_touched_ratchet_or_node_is_saved()
    {
        using var tree = UsedTree(CipherSuite.Suite1);
        using var rollback = tree.BeginRollback();

        tree.GetReceiveKey(2, RatchetType.Application, 9).Dispose();
        tree.GetReceiveKey(2, RatchetType.Application, 10).Dispose();
        Assert.Equal(1, rollback.SavedCount);

        // Leaf 4 has no ratchets yet: the node secret covering it is saved, and its other ratchet
        // then needs nothing more.
        tree.GetReceiveKey(4, RatchetType.Handshake, 0).Dispose();
        tree.GetReceiveKey(4, RatchetType.Application, 0).Dispose();
        Assert.Equal(2, rollback.SavedCount);
    }

    [Fact]
    public void One_rollback_at_a_time()
    {
        using var tree = UsedTree(CipherSuite.Suite1);
        var first = tree.BeginRollback();
        Assert.Throws<InvalidOperationException>(() => tree.BeginRollback());
        first.Dispose();
        using var second = tree.BeginRollback();
        Assert.Throws<ObjectDisposedException>(first.Undo);
    }

    private static void Run(EncryptionSecretTree tree, string scenario)
    {
        switch (scenario)
        {
            case "start a leaf from the root":
                tree.GetReceiveKey(3, RatchetType.Application, 0).Dispose();
                break;
            case "start two leaves, the second from a node the first derived":
                tree.GetReceiveKey(0, RatchetType.Handshake, 2).Dispose();
                tree.GetReceiveKey(1, RatchetType.Application, 0).Dispose();
                tree.GetReceiveKey(3, RatchetType.Application, 1).Dispose();
                break;
            case "move a started ratchet forward, keeping skipped keys":
                tree.GetReceiveKey(2, RatchetType.Application, 40).Dispose();
                break;
            case "take a kept out-of-order key":
                tree.GetReceiveKey(2, RatchetType.Application, 3).Dispose();
                break;
            case "evict kept keys beyond the limit":
                tree.GetReceiveKey(2, RatchetType.Application, HashRatchet.MaxForwardDistance + 6).Dispose();
                tree.GetReceiveKey(2, RatchetType.Application, (2 * HashRatchet.MaxForwardDistance) + 6).Dispose();
                break;
            case "send":
                tree.NextSendKey(5, RatchetType.Handshake).Dispose();
                tree.NextSendKey(7, RatchetType.Application).Dispose();
                break;
            default:
                tree.GetReceiveKey(6, RatchetType.Application, 3).Dispose();
                Assert.Throws<SecretTreeException>(() => tree.GetReceiveKey(6, RatchetType.Application, 1));
                break;
        }
    }

    /// <summary>A tree with started, advanced and untouched leaves, and kept keys; its changed records taken.</summary>
    private static EncryptionSecretTree UsedTree(CipherSuite suite)
    {
        using var encryptionSecret = Secret.Copy(Root);
        var tree = new EncryptionSecretTree(suite, encryptionSecret, 8);
        tree.GetReceiveKey(2, RatchetType.Application, 5).Dispose();
        tree.GetReceiveKey(2, RatchetType.Application, 2).Dispose();
        tree.NextSendKey(5, RatchetType.Handshake).Dispose();
        tree.GetReceiveKey(6, RatchetType.Application, 1).Dispose();
        tree.TakeChanged();
        tree.GetReceiveKey(6, RatchetType.Handshake, 0).Dispose();
        return tree;
    }

    private static string Changed(EncryptionSecretTree tree)
    {
        var (nodes, leaves) = tree.TakeChanged();
        return $"{string.Join(',', nodes.Order())} / {string.Join(',', leaves.Order())}";
    }

    /// <summary>A fixed series of requests over every leaf; each outcome is the key or the refusal.</summary>
    private static List<string> Requests(EncryptionSecretTree tree)
    {
        var outcomes = new List<string>();
        for (var leaf = 0u; leaf < tree.LeafCount; leaf++)
        {
            foreach (var type in new[] { RatchetType.Handshake, RatchetType.Application })
            {
                foreach (var generation in new uint[] { 3, 0, 1, 2, 6, 4 })
                {
                    try
                    {
                        using var key = tree.GetReceiveKey(leaf, type, generation);
                        outcomes.Add($"{key.Generation}:{Convert.ToHexString(key.Key.Span)}:{Convert.ToHexString(key.Nonce.Span)}");
                    }
                    catch (SecretTreeException e)
                    {
                        outcomes.Add(e.Reason.ToString());
                    }
                }
            }
        }

        return outcomes;
    }
}
