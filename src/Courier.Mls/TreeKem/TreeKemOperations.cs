using Courier.Mls.Hpke;

namespace Courier.Mls.TreeKem;

/// <summary>
/// TreeKEM (RFC 9420 §7.4-§7.6, §12.4.2): creating an UpdatePath as a committer, merging a peer's
/// UpdatePath into the tree and decrypting the path secret addressed to this member. All operate on
/// a tree that already has the commit's proposals applied; stage them on clones
/// (<see cref="RatchetTree.Clone"/>, <see cref="TreeKemPrivateKeys.Clone"/>) until the commit is accepted.
/// </summary>
internal static class TreeKemOperations
{
    /// <summary>The EncryptWithLabel label of path secrets (§7.6).</summary>
    public const string UpdatePathNodeLabel = "UpdatePathNode";

    /// <summary>
    /// Committer, phase 1 (§7.4, §7.5): draws a random leaf secret, derives from it the leaf key
    /// pair (via DeriveSecret(., "node")) and the chain path_secret[0] = DeriveSecret(leaf_secret,
    /// "path"), path_secret[n] = DeriveSecret(path_secret[n-1], "path") over the filtered direct path,
    /// with node keys DeriveKeyPair(DeriveSecret(path_secret[n], "node")); blanks the direct path,
    /// sets the new keys with parent hashes computed from the root down, and sets a new leaf (source
    /// commit, parent_hash, signed with <paramref name="groupId"/> and the leaf index). commit_secret
    /// is DeriveSecret(last path secret, "path"). <paramref name="ownLeaf"/> may be blank (an external
    /// joiner's leaf from <see cref="RatchetTree.ReserveBlankLeaf"/>).
    /// </summary>
    public static PendingUpdatePath PreparePath(RatchetTree tree, uint ownLeaf, byte[] groupId, SignaturePrivateKey signer, LeafNodeTemplate leaf, IRandom random)
    {
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentNullException.ThrowIfNull(groupId);
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentNullException.ThrowIfNull(leaf);
        ArgumentNullException.ThrowIfNull(random);
        var suite = tree.Suite;
        var path = tree.FilteredDirectPath(ownLeaf);

        var pathSecrets = new List<Secret>();
        var nodeKeys = new List<HpkePrivateKey>();
        HpkePrivateKey? leafKey = null;
        Secret? commitSecret = null;
        try
        {
            using (var leafSecret = Secret.Zero(suite.HashSize))
            {
                random.Fill(leafSecret.Writable);
                leafKey = NodeKey(suite, leafSecret);
                var previous = leafSecret;
                for (var i = 0; i < path.Length; i++)
                {
                    var pathSecret = suite.DeriveSecret(previous.Span, "path");
                    pathSecrets.Add(pathSecret);
                    nodeKeys.Add(NodeKey(suite, pathSecret));
                    previous = pathSecret;
                }

                commitSecret = suite.DeriveSecret(previous.Span, "path");
            }

            var publicKeys = nodeKeys.Select(k => k.PublicKey).ToArray();
            var (nodeParentHashes, leafParentHash) = tree.PathParentHashes(ownLeaf, path, publicKeys);
            var unsigned = new LeafNode(leafKey.PublicKey, signer.PublicKey, leaf.Credential, leaf.Capabilities, LeafNodeSource.Commit, null, leafParentHash, leaf.Extensions, []);
            var tbs = unsigned.ToBeSigned(groupId, ownLeaf).ToBytes();
            var leafNode = unsigned.WithSignature(suite.SignWithLabel(signer, LeafNodeValidation.SignatureLabel, tbs));

            Merge(tree, ownLeaf, path, publicKeys, nodeParentHashes, leafNode);
            return new PendingUpdatePath(ownLeaf, tree.LeafCount, leafNode, leafKey, path, [.. pathSecrets], [.. nodeKeys], commitSecret);
        }
        catch
        {
            leafKey?.Dispose();
            commitSecret?.Dispose();
            pathSecrets.ForEach(s => s.Dispose());
            nodeKeys.ForEach(k => k.Dispose());
            throw;
        }
    }

    /// <summary>
    /// Committer, phase 2 (§7.5, §7.6): encrypts each path secret to every node of the resolution of
    /// the copath child, leaving out <paramref name="excludedLeaves"/> (the members this commit adds):
    /// EncryptWithLabel(node key, "UpdatePathNode", provisional GroupContext, path_secret).
    /// <paramref name="provisionalContext"/> must carry the tree hash of <paramref name="tree"/> as
    /// phase 1 left it.
    /// </summary>
    public static UpdatePath EncryptPath(PendingUpdatePath pending, RatchetTree tree, GroupContext provisionalContext, IReadOnlySet<uint> excludedLeaves, IRandom random)
    {
        ArgumentNullException.ThrowIfNull(pending);
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentNullException.ThrowIfNull(provisionalContext);
        ArgumentNullException.ThrowIfNull(excludedLeaves);
        ArgumentNullException.ThrowIfNull(random);
        if (!pending.LeafNode.Equals(tree.GetLeaf(pending.LeafIndex)) || !tree.FilteredDirectPath(pending.LeafIndex).SequenceEqual(pending.FilteredDirectPath))
        {
            throw new ArgumentException("The tree is not the one the path was prepared on.", nameof(tree));
        }

        CheckContext(tree, provisionalContext);
        var info = tree.Suite.EncryptWithLabelInfo(UpdatePathNodeLabel, provisionalContext.ToBytes());
        var path = pending.FilteredDirectPath;
        var pathSecrets = new Secret[path.Count];
        try
        {
            // Every encryption of the path at once, in the order of §7.6: node by node, each node's
            // resolution in order (so the randomness is drawn as a loop over them would draw it).
            var messages = new List<(byte[] PublicKey, Secret Plaintext)>();
            var counts = new int[path.Count];
            for (var i = 0; i < path.Count; i++)
            {
                pathSecrets[i] = pending.PathSecretOf(path[i])!;
                foreach (var recipient in tree.Resolution(tree.CopathChild(path[i], 2 * pending.LeafIndex), excludedLeaves))
                {
                    messages.Add((tree.EncryptionKey(recipient)!, pathSecrets[i]));
                    counts[i]++;
                }
            }

            var ciphertexts = tree.Suite.EncryptWithLabel(info, messages, random);
            var publicKeys = pending.PublicKeys;
            var nodes = new List<UpdatePathNode>(path.Count);
            var next = 0;
            for (var i = 0; i < path.Count; i++)
            {
                nodes.Add(new UpdatePathNode(publicKeys[i], [.. ciphertexts[next..(next + counts[i])].Select(c => new HPKECiphertext(c.KemOutput, c.Ciphertext))]));
                next += counts[i];
            }

            return new UpdatePath(pending.LeafNode, nodes);
        }
        finally
        {
            Array.ForEach(pathSecrets, s => s?.Dispose());
        }
    }

    /// <summary>
    /// Receiver, public part (§7.5 "merges UpdatePath into the tree", §12.4.2): checks that the path
    /// has one node per node of the sender's filtered direct path, that its keys are well formed and
    /// appear nowhere in the tree (nor twice in the path), and that the leaf's parent_hash is the one
    /// the new path implies (computed from the root down); then blanks the sender's direct path, sets
    /// the path's keys with empty unmerged leaves and the computed parent hashes, and sets the leaf.
    /// Nothing changes when a check fails. Validating the leaf (§7.3) is the caller's, on the tree
    /// before this call. For an external commit, <paramref name="senderLeaf"/> is the leaf
    /// <see cref="RatchetTree.ReserveBlankLeaf"/> gave.
    /// </summary>
    /// <exception cref="MessageRejectedException">
    /// <see cref="MlsCheck.PathLength"/>, <see cref="MlsCheck.HpkePublicKey"/>, <see cref="MlsCheck.DuplicateEncryptionKey"/>,
    /// <see cref="MlsCheck.LeafSource"/> or <see cref="MlsCheck.ParentHash"/>.
    /// </exception>
    public static void ApplyPath(RatchetTree tree, uint senderLeaf, UpdatePath path)
    {
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentNullException.ThrowIfNull(path);
        var filtered = tree.FilteredDirectPath(senderLeaf);
        if (path.Nodes.Count != filtered.Length)
        {
            throw new MessageRejectedException(MlsCheck.PathLength, $"the UpdatePath has {path.Nodes.Count} nodes for a filtered direct path of {filtered.Length}");
        }

        if (path.LeafNode.LeafNodeSource != LeafNodeSource.Commit)
        {
            throw new MessageRejectedException(MlsCheck.LeafSource, $"the UpdatePath leaf has leaf_node_source {path.LeafNode.LeafNodeSource}");
        }

        var publicKeys = path.Nodes.Select(n => n.EncryptionKey).ToArray();
        CheckNewKeys(tree, [.. publicKeys, path.LeafNode.EncryptionKey]);

        var (nodeParentHashes, leafParentHash) = tree.PathParentHashes(senderLeaf, filtered, publicKeys);
        if (!leafParentHash.AsSpan().SequenceEqual(path.LeafNode.ParentHash))
        {
            throw new MessageRejectedException(MlsCheck.ParentHash, "the committer's leaf parent_hash does not match its UpdatePath");
        }

        Merge(tree, senderLeaf, filtered, publicKeys, nodeParentHashes, path.LeafNode);
    }

    /// <summary>
    /// Receiver, private part (§7.5 "decrypts the path secrets", §12.4.2), on the tree
    /// <see cref="ApplyPath"/> produced: finds the lowest node of the sender's filtered direct path
    /// above <paramref name="ownLeaf"/>, decrypts its path secret with the key this member holds for
    /// a node of the copath child's resolution (without <paramref name="excludedLeaves"/>), derives
    /// the path secrets and key pairs up to the root, checks every derived public key against the
    /// path, stores the new private keys in <paramref name="ownKeys"/> (dropping stale ones) and
    /// returns commit_secret. <paramref name="ownKeys"/> changes only on success; pass a clone while
    /// the commit may still be rejected.
    /// </summary>
    /// <exception cref="MessageRejectedException">
    /// <see cref="MlsCheck.PathLength"/>, <see cref="MlsCheck.PathCiphertextCount"/>, <see cref="MlsCheck.PathDecryption"/>
    /// or <see cref="MlsCheck.PathPublicKeyMismatch"/>.
    /// </exception>
    public static Secret DecryptPath(RatchetTree tree, uint senderLeaf, UpdatePath path, uint ownLeaf, TreeKemPrivateKeys ownKeys, GroupContext provisionalContext, IReadOnlySet<uint> excludedLeaves)
    {
        var (_, pathSecret, commitSecret) = DecryptPathSecret(tree, senderLeaf, path, ownLeaf, ownKeys, provisionalContext, excludedLeaves);
        pathSecret.Dispose();
        return commitSecret;
    }

    /// <summary>
    /// <see cref="DecryptPath"/>, also returning the node whose path secret was decrypted and that
    /// path secret (for the treekem.json vectors). The caller disposes both secrets.
    /// </summary>
    internal static (uint Node, Secret PathSecret, Secret CommitSecret) DecryptPathSecret(RatchetTree tree, uint senderLeaf, UpdatePath path, uint ownLeaf, TreeKemPrivateKeys ownKeys, GroupContext provisionalContext, IReadOnlySet<uint> excludedLeaves)
    {
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(ownKeys);
        ArgumentNullException.ThrowIfNull(provisionalContext);
        ArgumentNullException.ThrowIfNull(excludedLeaves);
        if (ownLeaf == senderLeaf || ownKeys.LeafIndex != ownLeaf || tree.GetLeaf(ownLeaf) is null || excludedLeaves.Contains(ownLeaf))
        {
            throw new ArgumentException("The member must be a leaf of the tree other than the sender, not added by this commit, with its own keys.", nameof(ownLeaf));
        }

        if (!path.LeafNode.Equals(tree.GetLeaf(senderLeaf)))
        {
            throw new ArgumentException("ApplyPath must merge the UpdatePath into the tree first.", nameof(tree));
        }

        CheckContext(tree, provisionalContext);
        var filtered = tree.FilteredDirectPath(senderLeaf);
        if (path.Nodes.Count != filtered.Length)
        {
            throw new MessageRejectedException(MlsCheck.PathLength, $"the UpdatePath has {path.Nodes.Count} nodes for a filtered direct path of {filtered.Length}");
        }

        // §7.6: one ciphertext per node of each copath child's resolution, new members left out.
        var resolutions = new IReadOnlyList<uint>[filtered.Length];
        for (var i = 0; i < filtered.Length; i++)
        {
            resolutions[i] = tree.Resolution(tree.CopathChild(filtered[i], 2 * senderLeaf), excludedLeaves);
            if (path.Nodes[i].EncryptedPathSecret.Count != resolutions[i].Count)
            {
                throw new MessageRejectedException(MlsCheck.PathCiphertextCount, $"UpdatePath node {i} has {path.Nodes[i].EncryptedPathSecret.Count} ciphertexts for a resolution of {resolutions[i].Count}");
            }
        }

        // The lowest path node above this member: its copath child holds the member's leaf.
        var ownNode = 2 * ownLeaf;
        var start = Array.FindIndex(filtered, x => Contains(x, ownNode));
        if (start < 0)
        {
            throw new InvalidOperationException("A non-blank leaf other than the sender is always below a node of the sender's filtered direct path.");
        }

        var resolution = resolutions[start];
        var position = -1;
        HpkePrivateKey? key = null;
        for (var j = 0; j < resolution.Count && key is null; j++)
        {
            if (ownKeys.Get(resolution[j]) is { } candidate && tree.EncryptionKey(resolution[j]) is { } publicKey && candidate.PublicKeySpan.SequenceEqual(publicKey))
            {
                position = j;
                key = candidate;
            }
        }

        if (key is null)
        {
            throw new MessageRejectedException(MlsCheck.PathDecryption, $"no private key for the resolution of the copath child of node {filtered[start]}");
        }

        var ciphertext = path.Nodes[start].EncryptedPathSecret[position];
        var plaintext = tree.Suite.DecryptWithLabel(key, UpdatePathNodeLabel, provisionalContext.ToBytes(), ciphertext.KemOutput, ciphertext.Ciphertext)
            ?? throw new MessageRejectedException(MlsCheck.PathDecryption, $"the path secret of node {filtered[start]} does not decrypt");
        var pathSecret = Secret.Take(plaintext);
        try
        {
            var nodes = filtered.AsSpan(start).ToArray();
            var derived = DeriveNodeKeys(tree.Suite, pathSecret, nodes, x => path.Nodes[Array.IndexOf(filtered, x)].EncryptionKey, out var commitSecret);
            foreach (var (node, nodeKey) in derived)
            {
                ownKeys.Set(node, nodeKey);
            }

            ownKeys.Prune(tree);
            return (filtered[start], pathSecret, commitSecret);
        }
        catch
        {
            pathSecret.Dispose();
            throw;
        }
    }

    /// <summary>
    /// §7.4: from the path secret of <paramref name="nodes"/>[0], the key pairs of every node of
    /// <paramref name="nodes"/> (consecutive nodes of a filtered direct path), each checked against
    /// <paramref name="expectedPublicKey"/>, and the commit_secret that follows the last one.
    /// </summary>
    /// <exception cref="MessageRejectedException">
    /// <see cref="MlsCheck.PathDecryption"/> when the path secret is not Nh bytes, or
    /// <see cref="MlsCheck.PathPublicKeyMismatch"/>. No key is returned or kept then.
    /// </exception>
    internal static List<(uint Node, HpkePrivateKey Key)> DeriveNodeKeys(CipherSuite suite, Secret pathSecret, uint[] nodes, Func<uint, byte[]?> expectedPublicKey, out Secret commitSecret)
    {
        if (pathSecret.Length != suite.HashSize)
        {
            throw new MessageRejectedException(MlsCheck.PathDecryption, $"a path secret is {pathSecret.Length} bytes, not Nh");
        }

        var derived = new List<(uint, HpkePrivateKey)>(nodes.Length);
        var current = pathSecret.Clone();
        try
        {
            foreach (var node in nodes)
            {
                var key = NodeKey(suite, current);
                derived.Add((node, key));
                if (expectedPublicKey(node) is not { } expected || !key.PublicKeySpan.SequenceEqual(expected))
                {
                    throw new MessageRejectedException(MlsCheck.PathPublicKeyMismatch, $"the key derived for node {node} differs from its public key");
                }

                var next = suite.DeriveSecret(current.Span, "path");
                current.Dispose();
                current = next;
            }

            commitSecret = current;
            return derived;
        }
        catch
        {
            current.Dispose();
            derived.ForEach(d => d.Item2.Dispose());
            throw;
        }
    }

    /// <summary>§7.4: node_priv, node_pub = DeriveKeyPair(DeriveSecret(path_secret, "node")).</summary>
    private static HpkePrivateKey NodeKey(CipherSuite suite, Secret pathSecret)
    {
        using var nodeSecret = suite.DeriveSecret(pathSecret.Span, "node");
        return suite.DeriveKeyPair(nodeSecret.Span);
    }

    /// <summary>Sets a path into the tree: blank direct path, then the filtered nodes and the leaf.</summary>
    private static void Merge(RatchetTree tree, uint leafIndex, uint[] path, byte[][] publicKeys, byte[][] nodeParentHashes, LeafNode leafNode)
    {
        tree.BlankDirectPath(leafIndex);
        for (var i = 0; i < path.Length; i++)
        {
            tree.SetNode(path[i], new Node(new ParentNode(publicKeys[i], nodeParentHashes[i], [])));
        }

        tree.SetNode(2 * leafIndex, new Node(leafNode));
    }

    /// <summary>§12.4.2: the keys of an UpdatePath are Npk bytes and appear in no node of the tree, nor twice.</summary>
    private static void CheckNewKeys(RatchetTree tree, byte[][] keys)
    {
        var inTree = new HashSet<byte[]>(ByteArrayComparer.Instance);
        for (var x = 0u; x < tree.NodeCount; x++)
        {
            if (tree.EncryptionKey(x) is { } key)
            {
                inTree.Add(key);
            }
        }

        foreach (var key in keys)
        {
            if (!tree.Suite.Hpke.Kem.IsValidPublicKey(key))
            {
                throw new MessageRejectedException(MlsCheck.HpkePublicKey, $"an UpdatePath key ({key.Length} bytes) is not a public key of the ciphersuite's KEM");
            }

            if (!inTree.Add(key))
            {
                throw new MessageRejectedException(MlsCheck.DuplicateEncryptionKey, "an UpdatePath key is already in the tree or repeated in the path");
            }
        }
    }

    private static void CheckContext(RatchetTree tree, GroupContext context)
    {
        if (context.CipherSuite != (ushort)tree.Suite.Id || !context.TreeHash.AsSpan().SequenceEqual(tree.TreeHash()))
        {
            throw new ArgumentException("The provisional GroupContext must carry the suite and tree hash of the tree.", nameof(context));
        }
    }

    /// <summary>True when node <paramref name="node"/> is <paramref name="ancestor"/> or below it.</summary>
    private static bool Contains(uint ancestor, uint node)
    {
        var (first, count) = RatchetTree.LeafRange(ancestor);
        var (leaf, _) = RatchetTree.LeafRange(node);
        return leaf >= first && leaf - first < count;
    }
}
