using Courier.Mls.Crypto;
using Courier.Mls.Hpke;
using Courier.Mls.Messages;
using Courier.Mls.Tests.TreeSync;
using Courier.Mls.TreeKem;
using Courier.Mls.TreeSync;
using static Courier.Mls.Tests.TreeSync.RatchetTreeTests;

namespace Courier.Mls.Tests.TreeKem;

/// <summary>
/// TreeKEM (RFC 9420 §7.4-§7.6, §12.4.2, §12.4.3.1): every member derives the committer's
/// commit_secret, each receiver check rejects a path that violates it (the test name carries the
/// <see cref="MlsCheck"/> id), and replaced keys lose access (post-compromise security).
/// </summary>
public class TreeKemTests
{
    public static TheoryData<CipherSuiteId> Suites() => TestSuites.All();

    [Theory]
    [MemberData(nameof(Suites))]
    public void Every_member_derives_the_commit_secret_through_adds_removes_and_updates(CipherSuiteId suiteId)
    {
        // Each Complete asserts that every member agrees on the tree hash and commit_secret, that
        // joiners' Welcome path secrets give keys matching the tree, and that parent hashes verify.
        using var f = new TreeFixture(suiteId, 9);
        f.Commit(5);
        f.Commit(8, remove: [2, 3], add: 1);
        var (update, key) = f.NewUpdateLeaf(6);
        f.Commit(0, updates: [(6, update, key)]);
        f.Commit(6, add: 3);
        f.Commit(7, remove: [0, 1, 9]);
        f.Commit(10);
        Assert.Equal(8, f.Members.Count);
    }

    [Fact]
    public void An_external_joiner_commits_from_the_leftmost_blank_leaf()
    {
        using var f = new TreeFixture(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, 4);
        ExternalJoin(f, expectedLeaf: 4);
        f.Commit(1, remove: [2]);
        ExternalJoin(f, expectedLeaf: 2);
    }

    [Fact]
    public void A_path_over_a_single_member_tree_is_empty_and_still_yields_a_commit_secret()
    {
        using var f = new TreeFixture(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, 1);
        var tree = f.Tree.Clone();
        using var pending = TreeKemOperations.PreparePath(tree, 0, TreeFixture.GroupId, f.Members[0].Signer, LeafNodeTemplate.From(f.Tree.GetLeaf(0)!), SystemRandom.Instance);
        var path = TreeKemOperations.EncryptPath(pending, tree, f.Context(tree), TreeFixture.None, SystemRandom.Instance);
        Assert.Empty(path.Nodes);
        Assert.Empty(path.LeafNode.ParentHash!);
        Assert.Equal(CipherSuite.Suite1.HashSize, pending.CommitSecret.Length);
        tree.VerifyParentHashes();
    }

    [Fact]
    public void Old_private_keys_cannot_decrypt_a_path_after_their_member_committed()
    {
        using var f = new TreeFixture(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, 4);
        using var compromised = f.Members[1].Keys.Clone();
        f.Commit(1);

        var staged = f.Stage(3);
        var received = staged.Proposed.Clone();
        TreeKemOperations.ApplyPath(received, 3, staged.Path);
        using (var stale = compromised.Clone())
        {
            AssertRejected(MlsCheck.PathDecryption, () => TreeKemOperations.DecryptPath(received, 3, staged.Path, 1, stale, staged.Context, TreeFixture.None));
        }

        AssertNoKeyDecrypts(f.Suite, compromised, staged);

        // The member's current keys still work.
        f.Complete(staged);
    }

    [Fact]
    public void A_removed_member_cannot_decrypt_the_path_that_removes_it()
    {
        using var f = new TreeFixture(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, 4);
        f.Commit(2);
        using var removed = f.Members[3].Keys.Clone();
        var staged = f.Stage(0, remove: [3]);
        AssertNoKeyDecrypts(f.Suite, removed, staged);
        f.Complete(staged);
    }

    [Fact]
    public void New_members_are_left_out_of_the_path_and_get_their_path_secret_by_welcome()
    {
        using var f = new TreeFixture(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, 3);
        var staged = f.Stage(0, add: 2);
        Assert.Equal([3u, 4u], staged.Excluded.Order());

        // Leaves 3 and 4 are in the resolutions of copath nodes of leaf 0 but get no ciphertext.
        var counts = staged.Path.Nodes.Select(n => n.EncryptedPathSecret.Count).ToArray();
        var resolutions = staged.Committed.FilteredDirectPath(0).Select(x => staged.Committed.Resolution(staged.Committed.CopathChild(x, 0)).Count).ToArray();
        Assert.True(counts.Sum() == resolutions.Sum() - 2, $"ciphertexts {string.Join(",", counts)}, resolutions {string.Join(",", resolutions)}");
        f.Complete(staged);
        f.Commit(4);
    }

    [Fact]
    public void Rejects_PathLength_of_a_path_missing_a_node_and_leaves_the_tree_unchanged()
    {
        using var f = new TreeFixture(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, 4);
        var staged = f.Stage(1);
        using (staged.Pending)
        {
            var path = staged.Path with { Nodes = staged.Path.Nodes.Take(1).ToList() };
            var received = staged.Proposed.Clone();
            var before = received.TreeHash();
            AssertRejected(MlsCheck.PathLength, () => TreeKemOperations.ApplyPath(received, 1, path));
            Assert.Equal(before, received.TreeHash());
        }
    }

    [Fact]
    public void Rejects_ParentHash_of_a_leaf_signing_another_parent_hash()
    {
        using var f = new TreeFixture(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, 4);
        var staged = f.Stage(1);
        using (staged.Pending)
        {
            var leaf = staged.Path.LeafNode;
            var forged = new LeafNode(leaf.EncryptionKey, leaf.SignatureKey, leaf.Credential, leaf.Capabilities, LeafNodeSource.Commit, null, RandomKey(), leaf.Extensions, []);
            forged = TreeFixture.Sign(f.Suite, forged, f.Members[1].Signer, TreeFixture.GroupId, 1);
            var received = staged.Proposed.Clone();
            var before = received.TreeHash();
            AssertRejected(MlsCheck.ParentHash, () => TreeKemOperations.ApplyPath(received, 1, staged.Path with { LeafNode = forged }));
            Assert.Equal(before, received.TreeHash());
        }
    }

    [Fact]
    public void Rejects_ParentHash_of_a_path_whose_node_key_was_replaced()
    {
        using var f = new TreeFixture(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, 4);
        var staged = f.Stage(1);
        using (staged.Pending)
        {
            var path = ReplaceNodeKey(staged.Path, staged.Path.Nodes.Count - 1, RandomPublicKey(f.Suite));
            AssertRejected(MlsCheck.ParentHash, () => TreeKemOperations.ApplyPath(staged.Proposed.Clone(), 1, path));
        }
    }

    [Fact]
    public void Rejects_DuplicateEncryptionKey_of_a_path_key_already_in_the_tree()
    {
        using var f = new TreeFixture(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, 4);
        var staged = f.Stage(1);
        using (staged.Pending)
        {
            var path = ReplaceNodeKey(staged.Path, 0, f.Tree.GetLeaf(3)!.EncryptionKey);
            AssertRejected(MlsCheck.DuplicateEncryptionKey, () => TreeKemOperations.ApplyPath(staged.Proposed.Clone(), 1, path));

            // The committer's new leaf must not keep its old encryption key either.
            var leaf = staged.Path.LeafNode;
            var kept = new LeafNode(f.Tree.GetLeaf(1)!.EncryptionKey, leaf.SignatureKey, leaf.Credential, leaf.Capabilities, LeafNodeSource.Commit, null, leaf.ParentHash, leaf.Extensions, leaf.Signature);
            AssertRejected(MlsCheck.DuplicateEncryptionKey, () => TreeKemOperations.ApplyPath(staged.Proposed.Clone(), 1, staged.Path with { LeafNode = kept }));
        }
    }

    [Fact]
    public void Rejects_HpkePublicKey_of_a_short_path_key()
    {
        using var f = new TreeFixture(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, 4);
        var staged = f.Stage(1);
        using (staged.Pending)
        {
            var path = ReplaceNodeKey(staged.Path, 0, new byte[31]);
            AssertRejected(MlsCheck.HpkePublicKey, () => TreeKemOperations.ApplyPath(staged.Proposed.Clone(), 1, path));
        }
    }

    [Fact]
    public void Rejects_LeafSource_of_a_path_leaf_not_made_for_a_commit()
    {
        using var f = new TreeFixture(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, 4);
        var staged = f.Stage(1);
        using (staged.Pending)
        {
            var (update, key) = f.NewUpdateLeaf(1);
            key.Dispose();
            AssertRejected(MlsCheck.LeafSource, () => TreeKemOperations.ApplyPath(staged.Proposed.Clone(), 1, staged.Path with { LeafNode = update }));
        }
    }

    [Fact]
    public void Rejects_PathCiphertextCount_of_a_node_missing_a_ciphertext()
    {
        using var f = new TreeFixture(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, 4);
        var staged = f.Stage(0);
        using (staged.Pending)
        {
            var top = staged.Path.Nodes.Count - 1;
            var nodes = staged.Path.Nodes.ToList();
            nodes[top] = nodes[top] with { EncryptedPathSecret = nodes[top].EncryptedPathSecret.Skip(1).ToList() };
            var path = staged.Path with { Nodes = nodes };
            var received = staged.Proposed.Clone();
            TreeKemOperations.ApplyPath(received, 0, path);
            using var keys = f.Members[1].Keys.Clone();
            AssertRejected(MlsCheck.PathCiphertextCount, () => TreeKemOperations.DecryptPath(received, 0, path, 1, keys, staged.Context, TreeFixture.None));
        }
    }

    [Fact]
    public void Rejects_PathDecryption_of_a_tampered_ciphertext_without_changing_the_keys()
    {
        using var f = new TreeFixture(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, 4);
        var staged = f.Stage(0);
        using (staged.Pending)
        {
            var path = staged.Path with
            {
                Nodes = staged.Path.Nodes.Select(n => n with { EncryptedPathSecret = n.EncryptedPathSecret.Select(c => c with { Ciphertext = Flip(c.Ciphertext) }).ToList() }).ToList(),
            };
            var received = staged.Proposed.Clone();
            TreeKemOperations.ApplyPath(received, 0, path);
            using var keys = f.Members[2].Keys.Clone();
            var nodesBefore = keys.Nodes.ToArray();
            AssertRejected(MlsCheck.PathDecryption, () => TreeKemOperations.DecryptPath(received, 0, path, 2, keys, staged.Context, TreeFixture.None));
            Assert.Equal(nodesBefore, keys.Nodes);
        }
    }

    [Fact]
    public void Rejects_PathDecryption_under_another_group_context()
    {
        using var f = new TreeFixture(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, 4);
        var staged = f.Stage(0);
        using (staged.Pending)
        {
            var received = staged.Proposed.Clone();
            TreeKemOperations.ApplyPath(received, 0, staged.Path);
            using var keys = f.Members[3].Keys.Clone();
            var otherEpoch = staged.Context with { Epoch = staged.Context.Epoch + 1 };
            AssertRejected(MlsCheck.PathDecryption, () => TreeKemOperations.DecryptPath(received, 0, staged.Path, 3, keys, otherEpoch, TreeFixture.None));
        }
    }

    [Fact]
    public void Rejects_PathDecryption_of_a_path_secret_of_the_wrong_length()
    {
        using var f = new TreeFixture(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, 2);
        var staged = f.Stage(0);
        using (staged.Pending)
        {
            // A malicious committer encrypts a 16-byte path secret to leaf 1.
            var received = staged.Proposed.Clone();
            TreeKemOperations.ApplyPath(received, 0, staged.Path);
            var (kemOutput, ciphertext) = f.Suite.EncryptWithLabel(received.GetLeaf(1)!.EncryptionKey, TreeKemOperations.UpdatePathNodeLabel, staged.Context.ToBytes(), new byte[16], SystemRandom.Instance);
            var path = staged.Path with { Nodes = [staged.Path.Nodes[0] with { EncryptedPathSecret = [new HPKECiphertext(kemOutput, ciphertext)] }] };
            using var keys = f.Members[1].Keys.Clone();
            AssertRejected(MlsCheck.PathDecryption, () => TreeKemOperations.DecryptPath(received, 0, path, 1, keys, staged.Context, TreeFixture.None));
        }
    }

    [Fact]
    public void Rejects_PathPublicKeyMismatch_of_a_path_whose_keys_do_not_follow_from_its_secrets()
    {
        using var f = new TreeFixture(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, 4);
        var staged = f.Stage(0);
        using (staged.Pending)
        {
            // A malicious committer replaces the root key but signs consistent parent hashes and
            // encrypts the true path secrets under the resulting context: only derivation catches it.
            var path = ForgeRootKey(f, staged, out var forgedTree, out var context);
            for (var member = 1u; member < 4; member++)
            {
                var received = staged.Proposed.Clone();
                TreeKemOperations.ApplyPath(received, 0, path);
                Assert.Equal(forgedTree.TreeHash(), received.TreeHash());
                using var keys = f.Members[member].Keys.Clone();
                AssertRejected(MlsCheck.PathPublicKeyMismatch, () => TreeKemOperations.DecryptPath(received, 0, path, member, keys, context, TreeFixture.None));
            }
        }
    }

    [Fact]
    public void Rejects_PathPublicKeyMismatch_of_a_wrong_welcome_path_secret()
    {
        using var f = new TreeFixture(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, 3);
        var staged = f.Stage(0, add: 1);
        using (staged.Pending)
        {
            var (leaf, key, signer) = staged.Joiners[0];
            using (signer)
            {
                using var wrong = Secret.Copy(RandomKey());
                AssertRejected(MlsCheck.PathPublicKeyMismatch, () => TreeKemPrivateKeys.FromPathSecret(staged.Committed, leaf, 0, wrong, key));
            }

            // A leaf key that is not the joiner's is a caller bug.
            using var fresh = f.Suite.Hpke.Kem.GenerateKeyPair(SystemRandom.Instance);
            Assert.Throws<ArgumentException>(() => TreeKemPrivateKeys.FromPathSecret(staged.Committed, leaf, 0, null, fresh));
        }
    }

    private static void ExternalJoin(TreeFixture f, uint expectedLeaf)
    {
        var (template, key, signer) = f.NewKeyPackageLeaf();
        key.Dispose();
        var proposed = f.Tree.Clone();
        var leaf = proposed.ReserveBlankLeaf();
        Assert.Equal(expectedLeaf, leaf);
        var committed = proposed.Clone();
        using var pending = TreeKemOperations.PreparePath(committed, leaf, TreeFixture.GroupId, signer, LeafNodeTemplate.From(template), SystemRandom.Instance);
        var context = f.Context(committed);
        var path = TreeKemOperations.EncryptPath(pending, committed, context, TreeFixture.None, SystemRandom.Instance);
        committed.VerifyParentHashes();

        foreach (var (member, state) in f.Members)
        {
            var received = f.Tree.Clone();
            Assert.Equal(leaf, received.ReserveBlankLeaf());
            LeafNodeValidation.Validate(path.LeafNode, LeafNodeSource.Commit, received, leaf, TreeFixture.GroupId, null, null);
            TreeKemOperations.ApplyPath(received, leaf, path);
            Assert.Equal(committed.TreeHash(), received.TreeHash());
            using var keys = state.Keys.Clone();
            using var commitSecret = TreeKemOperations.DecryptPath(received, leaf, path, member, keys, context, TreeFixture.None);
            Assert.True(commitSecret.ContentEquals(pending.CommitSecret), $"commit_secret at leaf {member}");
        }

        signer.Dispose();
    }

    private static void AssertNoKeyDecrypts(CipherSuite suite, TreeKemPrivateKeys keys, StagedCommit staged)
    {
        var context = staged.Context.ToBytes();
        foreach (var node in keys.Nodes)
        {
            foreach (var ciphertext in staged.Path.Nodes.SelectMany(n => n.EncryptedPathSecret))
            {
                Assert.Null(suite.DecryptWithLabel(keys.Get(node)!, TreeKemOperations.UpdatePathNodeLabel, context, ciphertext.KemOutput, ciphertext.Ciphertext));
            }
        }
    }

    private static UpdatePath ReplaceNodeKey(UpdatePath path, int index, byte[] key)
    {
        var nodes = path.Nodes.ToList();
        nodes[index] = nodes[index] with { EncryptionKey = key };
        return path with { Nodes = nodes };
    }

    private static UpdatePath ForgeRootKey(TreeFixture f, StagedCommit staged, out RatchetTree forgedTree, out GroupContext context)
    {
        var filtered = staged.Proposed.FilteredDirectPath(0);
        var keys = staged.Path.Nodes.Select(n => n.EncryptionKey).ToArray();
        keys[^1] = RandomPublicKey(f.Suite);
        var (_, leafParentHash) = staged.Proposed.PathParentHashes(0, filtered, keys);
        var leaf = staged.Path.LeafNode;
        var forgedLeaf = new LeafNode(leaf.EncryptionKey, leaf.SignatureKey, leaf.Credential, leaf.Capabilities, LeafNodeSource.Commit, null, leafParentHash, leaf.Extensions, []);
        forgedLeaf = TreeFixture.Sign(f.Suite, forgedLeaf, f.Members[0].Signer, TreeFixture.GroupId, 0);

        var unencrypted = new UpdatePath(forgedLeaf, [.. keys.Select(k => new UpdatePathNode(k, []))]);
        forgedTree = staged.Proposed.Clone();
        TreeKemOperations.ApplyPath(forgedTree, 0, unencrypted);
        context = f.Context(forgedTree);

        var nodes = new List<UpdatePathNode>();
        for (var i = 0; i < filtered.Length; i++)
        {
            using var pathSecret = staged.Pending.PathSecretOf(filtered[i])!;
            var ciphertexts = new List<HPKECiphertext>();
            foreach (var recipient in forgedTree.Resolution(forgedTree.CopathChild(filtered[i], 0)))
            {
                var (kemOutput, ciphertext) = f.Suite.EncryptWithLabel(forgedTree.EncryptionKey(recipient)!, TreeKemOperations.UpdatePathNodeLabel, context.ToBytes(), pathSecret.Span, SystemRandom.Instance);
                ciphertexts.Add(new HPKECiphertext(kemOutput, ciphertext));
            }

            nodes.Add(new UpdatePathNode(keys[i], ciphertexts));
        }

        return new UpdatePath(forgedLeaf, nodes);
    }

    private static byte[] RandomPublicKey(CipherSuite suite)
    {
        using var key = suite.Hpke.Kem.GenerateKeyPair(SystemRandom.Instance);
        return key.PublicKey;
    }

    private static byte[] Flip(byte[] bytes)
    {
        var copy = (byte[])bytes.Clone();
        copy[^1] ^= 0x80;
        return copy;
    }
}
