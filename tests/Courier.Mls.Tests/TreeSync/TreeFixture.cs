using Courier.Mls.Crypto;
using Courier.Mls.Hpke;
using Courier.Mls.Messages;
using Courier.Mls.TreeKem;
using Courier.Mls.TreeSync;

namespace Courier.Mls.Tests.TreeSync;

/// <summary>
/// A simulated group at the tree level: every member's signing key and TreeKEM private keys, and
/// commits with Adds, Removes and an UpdatePath that every member processes (asserting that all
/// agree on the tree hash and commit_secret).
/// </summary>
internal sealed class TreeFixture : IDisposable
{
    public static readonly byte[] GroupId = "tree fixture group"u8.ToArray();

    public TreeFixture(CipherSuiteId suiteId, int members)
    {
        Suite = CipherSuite.Get(suiteId);
        var (leaf, key, signer) = NewKeyPackageLeaf();
        Tree = RatchetTree.Create(Suite, leaf);
        Members.Add(0, new TreeMember(signer, TreeKemPrivateKeys.FromLeafKey(0, key)));
        if (members > 1)
        {
            Commit(0, add: members - 1);
        }
    }

    public CipherSuite Suite { get; }

    public RatchetTree Tree { get; private set; }

    public ulong Epoch { get; private set; }

    public SortedDictionary<uint, TreeMember> Members { get; } = [];

    public static IReadOnlySet<uint> None { get; } = new HashSet<uint>();

    public Capabilities DefaultCapabilities => new([GroupContext.Mls10], [(ushort)Suite.Id], [], [], [CredentialType.Basic]);

    public static LeafNode Sign(CipherSuite suite, LeafNode leaf, SignaturePrivateKey signer, byte[]? groupId, uint? leafIndex)
        => leaf.WithSignature(suite.SignWithLabel(signer, LeafNodeValidation.SignatureLabel, leaf.ToBeSigned(groupId, leafIndex).ToBytes()));

    /// <summary>A KeyPackage leaf with fresh keys; the caller owns the keys.</summary>
    public (LeafNode Leaf, HpkePrivateKey Key, SignaturePrivateKey Signer) NewKeyPackageLeaf(Capabilities? capabilities = null, Lifetime? lifetime = null, IReadOnlyList<Extension>? extensions = null)
    {
        var key = Suite.Hpke.Kem.GenerateKeyPair(SystemRandom.Instance);
        var signer = SignaturePrivateKey.Generate(SystemRandom.Instance, Suite.Id);
        var leaf = new LeafNode(key.PublicKey, signer.PublicKey, Credential.Basic(signer.PublicKey[..8]), capabilities ?? DefaultCapabilities, LeafNodeSource.KeyPackage, lifetime ?? new Lifetime(0, ulong.MaxValue), null, extensions ?? [], []);
        return (Sign(Suite, leaf, signer, null, null), key, signer);
    }

    /// <summary>A signed Update leaf for member <paramref name="leafIndex"/> with a fresh encryption key; the caller owns the key.</summary>
    public (LeafNode Leaf, HpkePrivateKey Key) NewUpdateLeaf(uint leafIndex, byte[]? encryptionKey = null)
    {
        var key = Suite.Hpke.Kem.GenerateKeyPair(SystemRandom.Instance);
        var current = Tree.GetLeaf(leafIndex)!;
        var leaf = new LeafNode(encryptionKey ?? key.PublicKey, current.SignatureKey, current.Credential, current.Capabilities, LeafNodeSource.Update, null, null, current.Extensions, []);
        return (Sign(Suite, leaf, Members[leafIndex].Signer, GroupId, leafIndex), key);
    }

    public GroupContext Context(RatchetTree tree) => new((ushort)Suite.Id, GroupId, Epoch + 1, tree.TreeHash(), new byte[32], []);

    /// <summary>
    /// The committer's half of a commit: proposals applied to a clone (removes, then adds of new
    /// members whose leaves are returned), then the path prepared and encrypted.
    /// </summary>
    public StagedCommit Stage(uint sender, IReadOnlyList<uint>? remove = null, int add = 0, IReadOnlyList<(uint Leaf, LeafNode Node, HpkePrivateKey Key)>? updates = null)
    {
        // RFC 9420 §12.3: updates, then removes, then adds.
        var proposed = Tree.Clone();
        foreach (var (leaf, node, _) in updates ?? [])
        {
            proposed.UpdateLeaf(leaf, node);
        }

        foreach (var removed in remove ?? [])
        {
            proposed.RemoveLeaf(removed);
        }

        var joiners = new List<(uint Leaf, HpkePrivateKey Key, SignaturePrivateKey Signer)>();
        for (var i = 0; i < add; i++)
        {
            var (leaf, key, signer) = NewKeyPackageLeaf();
            joiners.Add((proposed.AddLeaf(leaf), key, signer));
        }

        var committed = proposed.Clone();
        var pending = TreeKemOperations.PreparePath(committed, sender, GroupId, Members[sender].Signer, LeafNodeTemplate.From(Tree.GetLeaf(sender)!), SystemRandom.Instance);
        var context = Context(committed);
        var excluded = joiners.Select(j => j.Leaf).ToHashSet();
        var path = TreeKemOperations.EncryptPath(pending, committed, context, excluded, SystemRandom.Instance);
        return new StagedCommit(sender, proposed, committed, pending, path, context, excluded, joiners, remove ?? [], updates ?? []);
    }

    /// <summary>Stages a commit and has every member process it; all must agree.</summary>
    public void Commit(uint sender, IReadOnlyList<uint>? remove = null, int add = 0, IReadOnlyList<(uint Leaf, LeafNode Node, HpkePrivateKey Key)>? updates = null)
        => Complete(Stage(sender, remove, add, updates));

    public void Complete(StagedCommit staged)
    {
        using (staged.Pending)
        {
            foreach (var (leaf, member) in Members.ToList())
            {
                if (leaf == staged.Sender)
                {
                    continue;
                }

                if (staged.Removed.Contains(leaf))
                {
                    member.Dispose();
                    Members.Remove(leaf);
                    continue;
                }

                var received = staged.Proposed.Clone();
                LeafNodeValidation.Validate(staged.Path.LeafNode, LeafNodeSource.Commit, received, staged.Sender, GroupId, null, null);
                TreeKemOperations.ApplyPath(received, staged.Sender, staged.Path);
                Assert.Equal(staged.Committed.TreeHash(), received.TreeHash());
                var keys = member.Keys.Clone();
                foreach (var (_, _, updateKey) in staged.Updates.Where(u => u.Leaf == leaf))
                {
                    // §12.1.2: the member's Update was committed, so its new leaf key replaces the old one.
                    using var exported = updateKey.ExportPrivateKey();
                    keys.SetLeafKey(updateKey.Copy());
                }

                using var commitSecret = TreeKemOperations.DecryptPath(received, staged.Sender, staged.Path, leaf, keys, staged.Context, staged.Excluded);
                Assert.True(commitSecret.ContentEquals(staged.Pending.CommitSecret));
                member.ReplaceKeys(keys);
            }

            foreach (var (leaf, key, signer) in staged.Joiners)
            {
                using var pathSecret = staged.Pending.JoinerPathSecret(leaf);
                Members.Add(leaf, new TreeMember(signer, TreeKemPrivateKeys.FromPathSecret(staged.Committed, leaf, staged.Sender, pathSecret, key)));
            }

            Members[staged.Sender].ReplaceKeys(staged.Pending.ToPrivateKeys());
        }

        foreach (var (_, _, key) in staged.Updates)
        {
            key.Dispose();
        }

        Tree = staged.Committed;
        Epoch++;
        Tree.VerifyParentHashes();
        LeafNodeValidation.ValidateTree(Tree, GroupId, null, null);
        foreach (var (leaf, member) in Members)
        {
            Assert.True(member.Keys.IsConsistentWith(Tree), $"keys of leaf {leaf}");
        }
    }

    public void Dispose()
    {
        foreach (var member in Members.Values)
        {
            member.Dispose();
        }
    }
}
