using Courier.Mls.Hpke;
using Courier.Mls.TreeMath;

namespace Courier.Mls.TreeKem;

/// <summary>
/// A committer's new path between <see cref="TreeKemOperations.PreparePath"/> and the end of the
/// commit (RFC 9420 §7.4, §12.4.2): the new leaf (already in the tree), the path secrets and key
/// pairs of the filtered direct path, and commit_secret. Owns its secrets and keys and wipes them
/// on <see cref="Dispose"/>.
/// </summary>
internal sealed class PendingUpdatePath : IDisposable
{
    private readonly HpkePrivateKey _leafKey;
    private readonly uint[] _path;
    private readonly Secret[] _pathSecrets;
    private readonly HpkePrivateKey[] _nodeKeys;
    private readonly Secret _commitSecret;
    private readonly uint _leafCount;
    private bool _disposed;

    /// <summary>Takes ownership of every key and secret.</summary>
    internal PendingUpdatePath(uint leafIndex, uint leafCount, LeafNode leafNode, HpkePrivateKey leafKey, uint[] path, Secret[] pathSecrets, HpkePrivateKey[] nodeKeys, Secret commitSecret)
    {
        LeafIndex = leafIndex;
        _leafCount = leafCount;
        LeafNode = leafNode;
        _leafKey = leafKey;
        _path = path;
        _pathSecrets = pathSecrets;
        _nodeKeys = nodeKeys;
        _commitSecret = commitSecret;
    }

    /// <summary>The committer's leaf index.</summary>
    public uint LeafIndex { get; }

    /// <summary>The committer's new, signed leaf (source commit), as set in the tree.</summary>
    public LeafNode LeafNode { get; }

    /// <summary>The filtered direct path the path secrets belong to, leaf to root.</summary>
    public IReadOnlyList<uint> FilteredDirectPath => _path;

    /// <summary>The new public keys of <see cref="FilteredDirectPath"/>.</summary>
    public IReadOnlyList<byte[]> PublicKeys => [.. _nodeKeys.Select(k => k.PublicKey)];

    /// <summary>
    /// commit_secret = DeriveSecret(last path secret, "path") (§12.4.2). Owned by this object:
    /// <see cref="Secret.Clone"/> it to keep it beyond <see cref="Dispose"/>.
    /// </summary>
    public Secret CommitSecret
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _commitSecret;
        }
    }

    /// <summary>A copy of the path secret of node <paramref name="nodeIndex"/>, or null when it is not on the path. The caller disposes it.</summary>
    public Secret? PathSecretOf(uint nodeIndex)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var i = Array.IndexOf(_path, nodeIndex);
        return i < 0 ? null : _pathSecrets[i].Clone();
    }

    /// <summary>
    /// §12.4.3.1: the path_secret for the GroupSecrets of the member added at
    /// <paramref name="newMemberLeaf"/>: that of the lowest common ancestor of its leaf and the
    /// committer's. The caller disposes it.
    /// </summary>
    public Secret JoinerPathSecret(uint newMemberLeaf)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (newMemberLeaf == LeafIndex || newMemberLeaf >= _leafCount)
        {
            throw new ArgumentOutOfRangeException(nameof(newMemberLeaf), newMemberLeaf, "Not another leaf of the tree the path was prepared on.");
        }

        var ancestor = ArrayTree.CommonAncestor(2 * newMemberLeaf, 2 * LeafIndex, _leafCount);
        return PathSecretOf(ancestor)
            ?? throw new InvalidOperationException($"Node {ancestor} is not on the filtered direct path: leaf {newMemberLeaf} was blank when the path was prepared.");
    }

    /// <summary>The committer's private keys once the commit is accepted: its new leaf key and the keys of its filtered direct path (copies).</summary>
    public TreeKemPrivateKeys ToPrivateKeys()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var keys = TreeKemPrivateKeys.FromLeafKey(LeafIndex, Copy(_leafKey));
        try
        {
            for (var i = 0; i < _path.Length; i++)
            {
                keys.Set(_path[i], Copy(_nodeKeys[i]));
            }

            return keys;
        }
        catch
        {
            keys.Dispose();
            throw;
        }
    }

    /// <summary>Wipes the path secrets and commit_secret and frees the keys.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _leafKey.Dispose();
        foreach (var secret in _pathSecrets)
        {
            secret.Dispose();
        }

        foreach (var key in _nodeKeys)
        {
            key.Dispose();
        }

        _commitSecret.Dispose();
        _disposed = true;
    }

    /// <inheritdoc/>
    public override string ToString() => $"PendingUpdatePath(leaf {LeafIndex}, {_path.Length} nodes)";

    private static HpkePrivateKey Copy(HpkePrivateKey key) => key.Copy();
}
