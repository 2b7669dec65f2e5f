using Courier.Mls.Codec;
using Courier.Mls.Crypto;
using Courier.Mls.Tests.TreeSync;
using Courier.Mls.TreeKem;
using Courier.Mls.TreeSync;

namespace Courier.Mls.Tests.TreeKem;

/// <summary>A member's TreeKEM private keys: freeing, export and import, cloning and pruning.</summary>
public class TreeKemPrivateKeysTests
{
    [Fact]
    public void Dispose_frees_every_key()
    {
        using var f = new TreeFixture(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, 4);
        var keys = f.Members[1].Keys.Clone();
        var held = keys.Nodes.Select(n => keys.Get(n)!).ToList();
        Assert.Equal(3, held.Count);

        keys.Dispose();
        Assert.Throws<ObjectDisposedException>(() => keys.Get(2));
        Assert.Throws<ObjectDisposedException>(() => keys.Export());
        foreach (var key in held)
        {
            Assert.Throws<ObjectDisposedException>(() => key.ExportPrivateKey());
        }

        Assert.Equal("TreeKemPrivateKeys(disposed)", keys.ToString());
    }

    [Fact]
    public void A_pending_path_wipes_its_secrets_and_keys_on_dispose()
    {
        using var f = new TreeFixture(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, 4);
        var staged = f.Stage(1);
        var commitSecret = staged.Pending.CommitSecret;
        using (var keys = staged.Pending.ToPrivateKeys())
        {
            staged.Pending.Dispose();
            Assert.True(commitSecret.IsDisposed);
            Assert.Throws<ObjectDisposedException>(() => staged.Pending.PathSecretOf(1));

            // The private keys handed out are copies and outlive the pending path.
            Assert.True(keys.IsConsistentWith(staged.Committed));
            Assert.NotNull(keys.Get(3)!.PublicKey);
        }
    }

    [Fact]
    public void Export_and_Import_round_trip_and_the_imported_keys_decrypt_the_next_commit()
    {
        using var f = new TreeFixture(CipherSuiteId.MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519, 5);
        f.Commit(3);
        var member = f.Members[2];
        TreeKemPrivateKeys imported;
        using (var exported = member.Keys.Export())
        {
            imported = TreeKemPrivateKeys.Import(exported.Span, CipherSuite.Suite3);
        }

        Assert.Equal(member.Keys.LeafIndex, imported.LeafIndex);
        Assert.Equal(member.Keys.Nodes, imported.Nodes);
        foreach (var node in imported.Nodes)
        {
            Assert.Equal(member.Keys.Get(node)!.PublicKey, imported.Get(node)!.PublicKey);
        }

        member.ReplaceKeys(imported);
        f.Commit(4);
        f.Commit(0);
    }

    [Fact]
    public void Import_rejects_malformed_bytes()
    {
        using var f = new TreeFixture(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, 2);
        byte[] valid;
        using (var exported = f.Members[1].Keys.Export())
        {
            valid = exported.Export();
        }

        // uint32 leaf_index, then keys<V> (a 2-byte length, 74) = { node 1: key<32>, node 2: key<32> }.
        const int first = 6, entry = 4 + 1 + 32;
        Assert.Equal(first + (2 * entry), valid.Length);
        Assert.Equal(new byte[] { 0x40, 74 }, valid[4..first]);
        AssertDecodeError(DecodeError.TrailingBytes, [.. valid, 0]);
        AssertDecodeError(DecodeError.Truncated, valid[..^1]);

        var shortKey = valid[..^1];
        shortKey[5] = 73;
        shortKey[first + entry + 4] = 31;
        AssertDecodeError(DecodeError.LengthOutOfRange, shortKey);

        var duplicate = (byte[])valid.Clone();
        Array.Copy(duplicate, first, duplicate, first + entry, 4);
        AssertDecodeError(DecodeError.InvalidValue, duplicate);
    }

    [Fact]
    public void Clone_is_independent_of_the_original()
    {
        using var f = new TreeFixture(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, 4);
        var original = f.Members[1].Keys;
        var clone = original.Clone();
        clone.Dispose();
        Assert.True(original.IsConsistentWith(f.Tree));
        using (var stillThere = original.Get(2)!.ExportPrivateKey())
        {
            Assert.Equal(32, stillThere.Length);
        }

        f.Commit(0);
    }

    [Fact]
    public void Prune_drops_the_keys_of_nodes_that_were_blanked_or_replaced()
    {
        using var f = new TreeFixture(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, 4);
        using var keys = f.Members[0].Keys.Clone();
        Assert.Equal([0u, 1u, 3u], keys.Nodes);

        // Removing leaf 1 blanks nodes 1 and 3, leaving leaf 0 only its own key.
        var tree = f.Tree.Clone();
        tree.RemoveLeaf(1);
        Assert.False(keys.IsConsistentWith(tree));
        keys.Prune(tree);
        Assert.Equal([0u], keys.Nodes);
        Assert.True(keys.IsConsistentWith(tree));

        // A committed Update of leaf 0 replaces its leaf key.
        var (update, newKey) = f.NewUpdateLeaf(0);
        tree.UpdateLeaf(0, update);
        keys.Prune(tree);
        Assert.Empty(keys.Nodes);
        keys.SetLeafKey(newKey);
        Assert.True(keys.IsConsistentWith(tree));
    }

    [Fact]
    public void ToString_names_no_key()
    {
        using var f = new TreeFixture(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, 2);
        var keys = f.Members[1].Keys;
        using var leafKey = keys.Get(2)!.ExportPrivateKey();
        var text = keys.ToString();
        Assert.Equal("TreeKemPrivateKeys(leaf 1, 2 keys)", text);
        Assert.DoesNotContain(Convert.ToHexStringLower(leafKey.Span), text, StringComparison.OrdinalIgnoreCase);
    }

    private static void AssertDecodeError(DecodeError reason, byte[] bytes)
    {
        var e = Assert.Throws<DecodeException>(() => TreeKemPrivateKeys.Import(bytes, CipherSuite.Suite1));
        Assert.Equal(reason, e.Reason);
    }
}
