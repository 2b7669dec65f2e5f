using System.Text.Json;
using Courier.Mls.Codec;
using Courier.Mls.Crypto;
using Courier.Mls.Hpke;
using Courier.Mls.Messages;
using Courier.Mls.TreeKem;
using Courier.Mls.TreeSync;

namespace Courier.Vectors;

/// <summary>
/// treekem.json (RFC 9420 §7.4-§7.6, §12.4.2): members' private states checked against the tree;
/// each UpdatePath merged (parent hashes, tree hash after) and decrypted by every other member
/// (path secret, commit_secret); and a fresh UpdatePath from the same sender processed by all others.
/// </summary>
public sealed class TreeKemVectors : VectorFile
{
    private static readonly IReadOnlySet<uint> NoNewMembers = new HashSet<uint>();

    /// <inheritdoc/>
    public override string FileName => "treekem.json";

    internal override void Check(JsonElement testCase, CipherSuite? suite)
    {
        var tree = RatchetTree.Decode(suite!, Expect.Hex(testCase, "ratchet_tree"));
        var groupId = Expect.Hex(testCase, "group_id");
        var epoch = Expect.UInt64(testCase, "epoch");
        var confirmedTranscriptHash = Expect.Hex(testCase, "confirmed_transcript_hash");
        GroupContext Context(RatchetTree t) => new((ushort)suite!.Id, groupId, epoch, t.TreeHash(), confirmedTranscriptHash, []);

        var privates = new Dictionary<uint, TreeKemPrivateKeys>();
        var signers = new Dictionary<uint, byte[]>();
        try
        {
            foreach (var entry in testCase.GetProperty("leaves_private").EnumerateArray())
            {
                var index = Expect.UInt32(entry, "index");
                var keys = TreeKemPrivateKeys.FromLeafKey(index, HpkePrivateKey.Import(Expect.Hex(entry, "encryption_priv"), suite!.Id));
                privates.Add(index, keys);
                signers.Add(index, Expect.Hex(entry, "signature_priv"));
                foreach (var pathSecret in entry.GetProperty("path_secrets").EnumerateArray())
                {
                    var node = Expect.UInt32(pathSecret, "node");
                    using var secret = Secret.Copy(Expect.Hex(pathSecret, "path_secret"));
                    var derived = TreeKemOperations.DeriveNodeKeys(suite!, secret, [node], tree.EncryptionKey, out var unused);
                    unused.Dispose();
                    keys.Set(node, derived[0].Key);
                }

                Expect.True(keys.IsConsistentWith(tree), $"private state of leaf {index} is consistent with the tree");
            }

            foreach (var (index, _) in tree.Leaves)
            {
                Expect.True(privates.ContainsKey(index), $"leaves_private has leaf {index}");
            }

            foreach (var update in testCase.GetProperty("update_paths").EnumerateArray())
            {
                CheckUpdatePath(update, tree, groupId, privates, Context);
                CheckNewPath(Expect.UInt32(update, "sender"), tree, groupId, privates, signers, Context);
            }
        }
        finally
        {
            foreach (var keys in privates.Values)
            {
                keys.Dispose();
            }
        }
    }

    private static void CheckUpdatePath(JsonElement update, RatchetTree tree, byte[] groupId, Dictionary<uint, TreeKemPrivateKeys> privates, Func<RatchetTree, GroupContext> context)
    {
        var sender = Expect.UInt32(update, "sender");
        var path = TlsReader.Decode(Expect.Hex(update, "update_path"), nameof(UpdatePath), UpdatePath.Decode);
        LeafNodeValidation.Validate(path.LeafNode, LeafNodeSource.Commit, tree, sender, groupId, requiredCapabilities: null, now: null);

        var after = tree.Clone();
        TreeKemOperations.ApplyPath(after, sender, path);
        Expect.Equal(Expect.Hex(update, "tree_hash_after"), after.TreeHash(), $"tree_hash_after (sender {sender})");
        var provisional = context(after);

        var expectedSecrets = update.GetProperty("path_secrets");
        var commitSecret = Expect.Hex(update, "commit_secret");
        foreach (var (j, _) in tree.Leaves)
        {
            if (j == sender)
            {
                continue;
            }

            using var keys = privates[j].Clone();
            var (_, pathSecret, receivedCommitSecret) = TreeKemOperations.DecryptPathSecret(after, sender, path, j, keys, provisional, NoNewMembers);
            Expect.Equal(Convert.FromHexString(expectedSecrets[(int)j].GetString()!), pathSecret, $"path secret decrypted by leaf {j} (sender {sender})");
            Expect.Equal(commitSecret, receivedCommitSecret, $"commit_secret at leaf {j} (sender {sender})");
            Expect.True(keys.IsConsistentWith(after), $"private state of leaf {j} after the path of {sender}");
        }
    }

    private static void CheckNewPath(uint sender, RatchetTree tree, byte[] groupId, Dictionary<uint, TreeKemPrivateKeys> privates, Dictionary<uint, byte[]> signers, Func<RatchetTree, GroupContext> context)
    {
        var committed = tree.Clone();
        using var signer = SignaturePrivateKey.Import(signers[sender], tree.Suite.Id);
        using var pending = TreeKemOperations.PreparePath(committed, sender, groupId, signer, LeafNodeTemplate.From(tree.GetLeaf(sender)!), SystemRandom.Instance);
        var provisional = context(committed);
        var path = TreeKemOperations.EncryptPath(pending, committed, provisional, NoNewMembers, SystemRandom.Instance);
        LeafNodeValidation.Validate(path.LeafNode, LeafNodeSource.Commit, tree, sender, groupId, requiredCapabilities: null, now: null);

        foreach (var (j, _) in tree.Leaves)
        {
            if (j == sender)
            {
                continue;
            }

            var received = tree.Clone();
            TreeKemOperations.ApplyPath(received, sender, path);
            Expect.Equal(committed.TreeHash(), received.TreeHash(), $"tree hash at leaf {j} after a new path from {sender}");
            using var keys = privates[j].Clone();
            Expect.Equal(pending.CommitSecret.Span, TreeKemOperations.DecryptPath(received, sender, path, j, keys, provisional, NoNewMembers), $"new commit_secret at leaf {j} (sender {sender})");
        }
    }
}
