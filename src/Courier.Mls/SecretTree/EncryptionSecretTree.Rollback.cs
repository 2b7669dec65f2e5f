using Courier.Mls.TreeMath;

namespace Courier.Mls.SecretTree;

/// <summary>
/// Putting the secret tree back after a rejected message: decrypting consumes a ratchet key before
/// the later checks run, so <see cref="BeginRollback"/> saves, at its first touch, only what a key
/// request changes: the requested ratchet of the leaf, or (when the leaf's ratchets have not
/// started) the one node secret that covers the leaf. Nothing else is copied.
/// </summary>
internal sealed partial class EncryptionSecretTree
{
    private Rollback? _rollback;

    /// <summary>
    /// Starts saving what key requests change, until the result is disposed; <see cref="Rollback.Undo"/>
    /// puts the tree (and what <see cref="TakeChanged"/> will report) back as it was here. One at a time.
    /// </summary>
    public Rollback BeginRollback()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_rollback is not null)
        {
            throw new InvalidOperationException("A rollback of this secret tree is already open.");
        }

        return _rollback = new Rollback(this);
    }

    private void NodeChanged(uint node)
    {
        if (_changedNodes.Add(node))
        {
            _rollback?.NewlyChangedNodes.Add(node);
        }
    }

    private void LeafChanged(uint leaf)
    {
        if (_changedLeaves.Add(leaf))
        {
            _rollback?.NewlyChangedLeaves.Add(leaf);
        }
    }

    /// <summary>What a tree saved since <see cref="BeginRollback"/>; disposing it wipes the copies and ends the saving.</summary>
    internal sealed class Rollback : IDisposable
    {
        private readonly EncryptionSecretTree _tree;

        // In the order saved; undone in reverse, so that a node saved later (lower, in the subtree
        // of one saved earlier) is put back before its ancestor clears the whole subtree.
        private readonly List<(uint Leaf, RatchetType Type, uint Node, Secret? NodeSecret, HashRatchet? Ratchet)> _saved = [];
        private readonly HashSet<(uint Leaf, RatchetType Type)> _savedRatchets = [];
        private readonly HashSet<uint> _startedLeaves = [];
        private bool _ended;

        public Rollback(EncryptionSecretTree tree) => _tree = tree;

        internal List<uint> NewlyChangedNodes { get; } = [];

        internal List<uint> NewlyChangedLeaves { get; } = [];

        /// <summary>The number of secrets saved (a node secret or a ratchet each), for tests.</summary>
        internal int SavedCount => _saved.Count;

        /// <summary>Puts back everything saved and ends the rollback.</summary>
        public void Undo()
        {
            ObjectDisposedException.ThrowIf(_ended, this);
            for (var i = _saved.Count - 1; i >= 0; i--)
            {
                var (leaf, type, node, nodeSecret, ratchet) = _saved[i];
                if (ratchet is not null)
                {
                    var ratchets = type == RatchetType.Handshake ? _tree._handshake : _tree._application;
                    ratchets[leaf]!.Dispose();
                    ratchets[leaf] = ratchet;
                }
                else
                {
                    ClearSubtree(node);
                    _tree._nodeSecrets[node] = nodeSecret;
                }

                _saved[i] = default;
            }

            NewlyChangedNodes.ForEach(n => _tree._changedNodes.Remove(n));
            NewlyChangedLeaves.ForEach(l => _tree._changedLeaves.Remove(l));
            Dispose();
        }

        /// <summary>Wipes what is still saved (nothing after <see cref="Undo"/>) and ends the saving.</summary>
        public void Dispose()
        {
            if (_ended)
            {
                return;
            }

            _ended = true;
            foreach (var (_, _, _, nodeSecret, ratchet) in _saved)
            {
                nodeSecret?.Dispose();
                ratchet?.Dispose();
            }

            _saved.Clear();
            _tree._rollback = null;
        }

        /// <summary>Before the <paramref name="type"/> ratchet of <paramref name="leaf"/> changes: saves it, or the node secret that will start it.</summary>
        internal void Save(uint leaf, RatchetType type)
        {
            if (_startedLeaves.Contains(leaf))
            {
                return;
            }

            var ratchets = type == RatchetType.Handshake ? _tree._handshake : _tree._application;
            if (ratchets[leaf] is { } ratchet)
            {
                if (_savedRatchets.Add((leaf, type)))
                {
                    _saved.Add((leaf, type, 0, null, ratchet.Clone()));
                }

                return;
            }

            // Exactly one node on the leaf's path holds a secret (CheckEveryLeafCoveredOnce).
            var node = ArrayTree.LeafToNode(leaf, _tree.LeafCount);
            while (_tree._nodeSecrets[node] is null)
            {
                node = ArrayTree.Parent(node, _tree.LeafCount);
            }

            _startedLeaves.Add(leaf);
            _saved.Add((leaf, type, node, _tree._nodeSecrets[node]!.Clone(), null));
        }

        /// <summary>Wipes every node secret and ratchet below <paramref name="node"/>: all derived from its secret since it was saved.</summary>
        private void ClearSubtree(uint node)
        {
            var half = (1u << (int)ArrayTree.Level(node)) - 1;
            for (var x = node - half; x <= node + half; x++)
            {
                _tree._nodeSecrets[x]?.Dispose();
                _tree._nodeSecrets[x] = null;
                if (ArrayTree.IsLeaf(x))
                {
                    var leaf = x / 2;
                    _tree._handshake[leaf]?.Dispose();
                    _tree._handshake[leaf] = null;
                    _tree._application[leaf]?.Dispose();
                    _tree._application[leaf] = null;
                }
            }
        }
    }
}
