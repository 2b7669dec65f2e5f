using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Courier.Mls.Hpke;
using Courier.Mls.TreeMath;

namespace Courier.Mls.TreeKem;

/// <summary>
/// A member's private view of the ratchet tree (RFC 9420 §4.2 "Views of a Ratchet Tree"): the HPKE
/// private key of its own leaf and of the parents on its direct path whose keys it knows, by node
/// index. Owns the keys and frees them on <see cref="Dispose"/>. Exports to a <see cref="Secret"/>
/// for storing the group state.
/// </summary>
internal sealed class TreeKemPrivateKeys : IDisposable
{
    private readonly SortedDictionary<uint, HpkePrivateKey> _keys = [];
    private bool _disposed;

    private TreeKemPrivateKeys(uint leafIndex) => LeafIndex = leafIndex;

    /// <summary>The member's leaf index.</summary>
    public uint LeafIndex { get; }

    /// <summary>The node indices whose private key is held, in increasing order.</summary>
    public IReadOnlyCollection<uint> Nodes
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return [.. _keys.Keys];
        }
    }

    /// <summary>The keys of a member that knows only its leaf (a group's creator, a joiner without path secret). Takes ownership of <paramref name="leafKey"/>.</summary>
    public static TreeKemPrivateKeys FromLeafKey(uint leafIndex, HpkePrivateKey leafKey)
    {
        ArgumentNullException.ThrowIfNull(leafKey);
        var keys = new TreeKemPrivateKeys(leafIndex);
        keys.Set(2 * leafIndex, leafKey);
        return keys;
    }

    /// <summary>
    /// RFC 9420 §12.4.3.1: the keys of a member joining by Welcome. <paramref name="pathSecret"/> (the
    /// GroupSecrets path_secret, or null when absent) belongs to the lowest common ancestor of
    /// <paramref name="ownLeaf"/> and <paramref name="committerLeaf"/>; the keys of that node and of
    /// the following nodes of the committer's filtered direct path are derived from it (§7.4) and
    /// must match the public keys in <paramref name="tree"/>. Takes ownership of
    /// <paramref name="leafKey"/> (the private key of the KeyPackage's leaf encryption_key), also when
    /// it throws; the caller keeps <paramref name="pathSecret"/>.
    /// </summary>
    /// <exception cref="MessageRejectedException">
    /// <see cref="MlsCheck.PathPublicKeyMismatch"/> when a derived key differs from the tree, or
    /// <see cref="MlsCheck.PathDecryption"/> when the path secret is not Nh bytes.
    /// </exception>
    public static TreeKemPrivateKeys FromPathSecret(RatchetTree tree, uint ownLeaf, uint committerLeaf, Secret? pathSecret, HpkePrivateKey leafKey)
    {
        ArgumentNullException.ThrowIfNull(leafKey);
        TreeKemPrivateKeys? keys = null;
        try
        {
            ArgumentNullException.ThrowIfNull(tree);
            var ownLeafNode = tree.GetLeaf(ownLeaf) ?? throw new ArgumentException($"Leaf {ownLeaf} is blank.", nameof(ownLeaf));
            if (!leafKey.PublicKeySpan.SequenceEqual(ownLeafNode.EncryptionKey))
            {
                throw new ArgumentException("The leaf key does not belong to the member's leaf.", nameof(leafKey));
            }

            keys = FromLeafKey(ownLeaf, leafKey);
            if (pathSecret is null)
            {
                return keys;
            }

            if (ownLeaf == committerLeaf || committerLeaf >= tree.LeafCount)
            {
                throw new ArgumentException("The committer must be another leaf of the tree.", nameof(committerLeaf));
            }

            var ancestor = ArrayTree.CommonAncestor(2 * ownLeaf, 2 * committerLeaf, tree.LeafCount);
            var path = tree.FilteredDirectPath(committerLeaf);
            var start = Array.IndexOf(path, ancestor);
            if (start < 0)
            {
                throw new MessageRejectedException(MlsCheck.PathPublicKeyMismatch, $"the common ancestor {ancestor} is not on the committer's filtered direct path");
            }

            var derived = TreeKemOperations.DeriveNodeKeys(tree.Suite, pathSecret, path.AsSpan(start).ToArray(), x => tree.EncryptionKey(x), out var commitSecret);
            commitSecret.Dispose();
            foreach (var (node, key) in derived)
            {
                keys.Set(node, key);
            }

            return keys;
        }
        catch
        {
            // Ownership of the leaf key holds on failure too.
            if (keys is null)
            {
                leafKey.Dispose();
            }

            keys?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads keys written by <see cref="Export"/>, private keys of <paramref name="suite"/>'s KEM.
    /// </summary>
    /// <exception cref="DecodeException">The bytes are not an export of private keys of the suite.</exception>
    public static TreeKemPrivateKeys Import(ReadOnlySpan<byte> data, CipherSuite suite)
    {
        // struct { uint32 node; opaque private_key<V>; } NodeKey;
        // struct { uint32 leaf_index; NodeKey keys<V>; } TreeKemPrivateKeys;
        var reader = new TlsReader(data, nameof(TreeKemPrivateKeys));
        var keys = new TreeKemPrivateKeys(reader.ReadUInt32());
        try
        {
            var body = reader.ReadVector();
            reader.EnsureEnd();
            while (!body.IsEmpty)
            {
                var node = body.ReadUInt32();
                var key = body.ReadOpaque();
                if (key.Length != HpkePrivateKey.Size)
                {
                    throw body.Error(DecodeError.LengthOutOfRange);
                }

                if (keys._keys.ContainsKey(node))
                {
                    throw body.Error(DecodeError.InvalidValue);
                }

                keys._keys.Add(node, ImportKey(key, suite, body));
            }

            return keys;
        }
        catch
        {
            keys.Dispose();
            throw;
        }
    }

    /// <summary>One stored key; a DecodeException when it is not a private key of the suite's KEM (a P-256 scalar out of range).</summary>
    private static HpkePrivateKey ImportKey(ReadOnlySpan<byte> key, CipherSuite suite, TlsReader reader)
    {
        try
        {
            return HpkePrivateKey.Import(key, suite.Hpke.Kem);
        }
        catch (ArgumentException)
        {
            throw reader.Error(DecodeError.InvalidValue);
        }
    }

    /// <summary>The encoding of <see cref="Import"/>, as a secret; no unwiped copy is left behind.</summary>
    public Secret Export()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        const int entrySize = 4 + 1 + HpkePrivateKey.Size;
        var bodyLength = _keys.Count * entrySize;

        // Sized so the buffer never grows (a grown buffer would leave an unwiped copy).
        var writer = new TlsWriter(4 + 4 + bodyLength);
        try
        {
            writer.WriteUInt32(LeafIndex);
            writer.WriteVarint(bodyLength);
            foreach (var (node, key) in _keys)
            {
                writer.WriteUInt32(node);
                using var bytes = key.ExportPrivateKey();
                writer.WriteOpaque(bytes.Span);
            }

            return Secret.Copy(writer.Written);
        }
        finally
        {
            var written = writer.Written;
            CryptographicOperations.ZeroMemory(MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(written), written.Length));
        }
    }

    /// <summary>The private key of node <paramref name="nodeIndex"/>, or null when not held. The key stays owned by this object.</summary>
    public HpkePrivateKey? Get(uint nodeIndex)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _keys.GetValueOrDefault(nodeIndex);
    }

    /// <summary>
    /// Replaces the leaf's private key, for an Update proposal of this member that a commit applied
    /// (§12.1.2). Takes ownership of <paramref name="leafKey"/>; the keys above the leaf go stale and
    /// <see cref="Prune"/> drops them.
    /// </summary>
    public void SetLeafKey(HpkePrivateKey leafKey)
    {
        ArgumentNullException.ThrowIfNull(leafKey);
        Set(2 * LeafIndex, leafKey);
    }

    /// <summary>
    /// Drops (and frees) every key whose node is outside <paramref name="tree"/>, not on this
    /// member's direct path, blank, or holds another public key: RFC 9420 §7.5 "delete outdated key
    /// material" after proposals and an UpdatePath have changed the tree.
    /// </summary>
    public void Prune(RatchetTree tree)
    {
        ArgumentNullException.ThrowIfNull(tree);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var stale = _keys.Where(e => !Matches(tree, e.Key, e.Value)).Select(e => e.Key).ToList();
        foreach (var node in stale)
        {
            _keys.Remove(node, out var key);
            key!.Dispose();
        }
    }

    /// <summary>True when every held key sits on a non-blank node of this member's path in <paramref name="tree"/> holding its public key.</summary>
    public bool IsConsistentWith(RatchetTree tree)
    {
        ArgumentNullException.ThrowIfNull(tree);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _keys.All(e => Matches(tree, e.Key, e.Value));
    }

    /// <summary>An independent copy, for staging a commit: the copy is changed, and kept only if the commit is accepted.</summary>
    public TreeKemPrivateKeys Clone()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var copy = new TreeKemPrivateKeys(LeafIndex);
        try
        {
            foreach (var (node, key) in _keys)
            {
                copy._keys.Add(node, key.Copy());
            }

            return copy;
        }
        catch
        {
            copy.Dispose();
            throw;
        }
    }

    /// <summary>Frees every key.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        foreach (var key in _keys.Values)
        {
            key.Dispose();
        }

        _keys.Clear();
        _disposed = true;
    }

    /// <inheritdoc/>
    public override string ToString() => _disposed ? "TreeKemPrivateKeys(disposed)" : $"TreeKemPrivateKeys(leaf {LeafIndex}, {_keys.Count} keys)";

    /// <summary>Stores the key of one node, freeing the one it replaces. Takes ownership of <paramref name="key"/>.</summary>
    internal void Set(uint nodeIndex, HpkePrivateKey key)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_keys.Remove(nodeIndex, out var old) && !ReferenceEquals(old, key))
        {
            old.Dispose();
        }

        _keys[nodeIndex] = key;
    }

    private bool Matches(RatchetTree tree, uint node, HpkePrivateKey key)
    {
        var ownNode = 2 * LeafIndex;
        if (node >= tree.NodeCount || ownNode >= tree.NodeCount)
        {
            return false;
        }

        var onPath = node == ownNode || (!ArrayTree.IsLeaf(node) && ArrayTree.DirectPath(ownNode, tree.LeafCount).Contains(node));
        return onPath && tree.EncryptionKey(node) is { } publicKey && key.PublicKeySpan.SequenceEqual(publicKey);
    }
}
