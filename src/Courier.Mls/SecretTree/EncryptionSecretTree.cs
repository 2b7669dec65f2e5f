using Courier.Mls.TreeMath;

namespace Courier.Mls.SecretTree;

/// <summary>
/// RFC 9420 §9: the secret tree of one epoch, rooted at <c>encryption_secret</c>, with the same
/// shape as the ratchet tree. Derived lazily and deleted as it goes (§9.2): a node's secret is
/// replaced by its two children's secrets when a leaf below it is first needed, a leaf's secret
/// by its handshake and application <see cref="HashRatchet"/>s, and each ratchet step wipes the
/// secret it came from. Message keys leave the tree exactly once. Not thread-safe.
/// <para>
/// Saved state (<see cref="WriteTo"/>, <see cref="ReadFrom"/>): exactly the secrets the tree still
/// holds, so that a restored tree continues where it stopped (same ratchet positions, same kept
/// out-of-order keys) and never re-derives a secret §9.2 had it delete:
/// <code>
/// struct {
///     uint32 leaf_count;                       // a power of two
///     NodeSecret node_secrets&lt;V&gt;;            // ascending node index
///     LeafRatchets leaves&lt;V&gt;;                // exactly leaf_count entries, leaf 0 first
/// } EncryptionSecretTreeState;
///
/// struct {
///     uint32 node;                             // array-tree node index (§4.2)
///     opaque tree_node_secret&lt;V&gt;;            // KDF.Nh bytes
/// } NodeSecret;
///
/// struct {
///     optional&lt;HashRatchetState&gt; handshake;
///     optional&lt;HashRatchetState&gt; application;
/// } LeafRatchets;                              // HashRatchetState: see HashRatchet
/// </code>
/// A leaf's two ratchets exist together (both replace the leaf's secret), and every leaf is
/// covered exactly once: by its ratchets or by the one held secret on its path up to the root.
/// </para>
/// </summary>
internal sealed partial class EncryptionSecretTree : IDisposable
{
    /// <summary>The <c>ExpandWithLabel</c> label of a child node secret.</summary>
    public const string TreeLabel = "tree";

    /// <summary>The <c>ExpandWithLabel</c> label of <c>handshake_ratchet_secret_[N]_[0]</c>.</summary>
    public const string HandshakeLabel = "handshake";

    /// <summary>The <c>ExpandWithLabel</c> label of <c>application_ratchet_secret_[N]_[0]</c>.</summary>
    public const string ApplicationLabel = "application";

    private readonly CipherSuite _suite;
    private readonly Secret?[] _nodeSecrets;
    private readonly HashRatchet?[] _handshake;
    private readonly HashRatchet?[] _application;
    private HashSet<uint> _changedNodes = [];
    private HashSet<uint> _changedLeaves = [];
    private bool _disposed;

    /// <summary>
    /// A secret tree for <paramref name="leafCount"/> leaves (a power of two) over a copy of
    /// <paramref name="encryptionSecret"/>; the caller still owns, and should now wipe, its own copy.
    /// </summary>
    public EncryptionSecretTree(CipherSuite suite, Secret encryptionSecret, uint leafCount)
    {
        ArgumentNullException.ThrowIfNull(suite);
        ArgumentNullException.ThrowIfNull(encryptionSecret);
        if (encryptionSecret.Length != suite.HashSize)
        {
            throw new ArgumentException($"encryption_secret must be {suite.HashSize} bytes.", nameof(encryptionSecret));
        }

        var width = ArrayTree.NodeWidth(leafCount);
        _suite = suite;
        LeafCount = leafCount;
        _nodeSecrets = new Secret?[width];
        _handshake = new HashRatchet?[leafCount];
        _application = new HashRatchet?[leafCount];
        _nodeSecrets[ArrayTree.Root(leafCount)] = encryptionSecret.Clone();
    }

    /// <summary>An empty tree of <paramref name="leafCount"/> leaves (a valid count), for <see cref="ReadFrom"/> to fill.</summary>
    private EncryptionSecretTree(CipherSuite suite, uint leafCount)
    {
        _suite = suite;
        LeafCount = leafCount;
        _nodeSecrets = new Secret?[ArrayTree.NodeWidth(leafCount)];
        _handshake = new HashRatchet?[leafCount];
        _application = new HashRatchet?[leafCount];
    }

    /// <summary>The number of leaves.</summary>
    public uint LeafCount { get; }

    /// <summary>Every secret the tree still holds, tree nodes and ratchets (for tests of the deletion schedule).</summary>
    internal IEnumerable<Secret> HeldSecrets
    {
        get
        {
            foreach (var secret in _nodeSecrets)
            {
                if (secret is not null)
                {
                    yield return secret;
                }
            }

            foreach (var ratchet in _handshake.Concat(_application))
            {
                foreach (var secret in ratchet?.HeldSecrets ?? [])
                {
                    yield return secret;
                }
            }
        }
    }

    /// <summary>
    /// For sending as leaf <paramref name="leafIndex"/>: the key, nonce and generation of the next
    /// unused generation of its <paramref name="type"/> ratchet. The caller owns the result and
    /// disposes it once the message is encrypted. Throws <see cref="SecretTreeException"/>
    /// (<see cref="SecretTreeError.RatchetExhausted"/>) after 2^32 messages.
    /// </summary>
    public MessageKey NextSendKey(uint leafIndex, RatchetType type) => Ratchet(leafIndex, type).Next();

    /// <summary>
    /// For receiving from leaf <paramref name="leafIndex"/>: the key and nonce of
    /// <paramref name="generation"/> of its <paramref name="type"/> ratchet, which the tree no longer
    /// holds afterwards. Generations skipped on the way are kept for out-of-order messages (at most
    /// <see cref="HashRatchet.MaxOutOfOrderKeys"/> per ratchet). Throws <see cref="SecretTreeException"/>
    /// when the generation was already handed out or deleted, or lies more than
    /// <see cref="HashRatchet.MaxForwardDistance"/> ahead. The caller owns the result and disposes it
    /// once the message is decrypted.
    /// </summary>
    public MessageKey GetReceiveKey(uint leafIndex, RatchetType type, uint generation) => Ratchet(leafIndex, type).Get(generation);

    /// <summary>The number of bytes <see cref="WriteTo"/> writes: size the writer with it.</summary>
    public int EncodedLength
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return sizeof(uint) + SecretEncoding.OpaqueSize(NodeSecretsLength()) + SecretEncoding.OpaqueSize(LeavesLength());
        }
    }

    /// <summary>
    /// Appends the <c>EncryptionSecretTreeState</c> of this tree (see the type's summary): every
    /// node secret, ratchet secret and kept out-of-order key it still holds, in the clear, and
    /// nothing it has deleted. The caller owns those bytes: it creates the writer as
    /// <c>new TlsWriter(EncodedLength)</c> (plus whatever else it writes), so that the writer's
    /// buffer never grows and leaves an unwiped copy to the collector; encrypts the output (the
    /// node's vault); then wipes the writer's buffer and every copy it made. The tree is unchanged.
    /// </summary>
    public void WriteTo(TlsWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ObjectDisposedException.ThrowIf(_disposed, this);
        writer.WriteUInt32(LeafCount);

        // Vectors are written without an inner writer, so no second copy of the secrets is made.
        writer.WriteVarint(NodeSecretsLength());
        for (var node = 0u; node < _nodeSecrets.Length; node++)
        {
            if (_nodeSecrets[node] is { } secret)
            {
                writer.WriteUInt32(node);
                writer.WriteOpaque(secret.Span);
            }
        }

        writer.WriteVarint(LeavesLength());
        for (var leaf = 0u; leaf < LeafCount; leaf++)
        {
            WriteRatchet(writer, _handshake[leaf]);
            WriteRatchet(writer, _application[leaf]);
        }
    }

    /// <summary>
    /// Reads an <c>EncryptionSecretTreeState</c> written by <see cref="WriteTo"/>; the restored tree
    /// continues exactly where the saved one stopped. The secrets go straight from the input into
    /// <see cref="Secret"/>s (the caller wipes its input). Throws <see cref="DecodeException"/> for
    /// a leaf count that is not a power of two, node indices outside the tree or not ascending,
    /// secrets, keys or nonces of the wrong size, a leaf with only one of its two ratchets, a leaf
    /// covered by no held secret or by more than one, and every error of
    /// <see cref="HashRatchet.ReadFrom"/>; nothing read is left unwiped then.
    /// </summary>
    public static EncryptionSecretTree ReadFrom(CipherSuite suite, ref TlsReader reader)
    {
        ArgumentNullException.ThrowIfNull(suite);
        const string Structure = "EncryptionSecretTreeState";
        var leafCount = reader.ReadUInt32();
        if (!ArrayTree.IsValidLeafCount(leafCount))
        {
            throw new DecodeException(DecodeError.InvalidValue, Structure);
        }

        // Each leaf takes at least two bytes of what follows: so a short input cannot make the
        // tree allocate arrays out of proportion to it.
        if (leafCount > (uint)(reader.Remaining / 2))
        {
            throw new DecodeException(DecodeError.Truncated, Structure);
        }

        var tree = new EncryptionSecretTree(suite, leafCount);
        try
        {
            var nodes = reader.ReadVector();
            long previous = -1;
            while (!nodes.IsEmpty)
            {
                var node = nodes.ReadUInt32();
                if (node <= previous || node >= tree._nodeSecrets.Length)
                {
                    throw new DecodeException(DecodeError.InvalidValue, Structure);
                }

                tree._nodeSecrets[node] = SecretEncoding.ReadSecret(ref nodes, suite.HashSize, Structure);
                previous = node;
            }

            var leaves = reader.ReadVector();
            for (var leaf = 0u; leaf < leafCount; leaf++)
            {
                tree._handshake[leaf] = leaves.ReadPresence() ? HashRatchet.ReadFrom(suite, ref leaves, leaf, RatchetType.Handshake) : null;
                tree._application[leaf] = leaves.ReadPresence() ? HashRatchet.ReadFrom(suite, ref leaves, leaf, RatchetType.Application) : null;
                if ((tree._handshake[leaf] is null) != (tree._application[leaf] is null))
                {
                    throw new DecodeException(DecodeError.InvalidValue, Structure);
                }
            }

            if (!leaves.IsEmpty)
            {
                throw new DecodeException(DecodeError.TrailingBytes, Structure);
            }

            tree.CheckEveryLeafCoveredOnce(Structure);
            return tree;
        }
        catch
        {
            tree.Dispose();
            throw;
        }
    }

    /// <summary>The node indices whose secret the tree holds, ascending.</summary>
    public IEnumerable<uint> HeldNodes
    {
        get
        {
            for (var node = 0u; node < _nodeSecrets.Length; node++)
            {
                if (_nodeSecrets[node] is not null)
                {
                    yield return node;
                }
            }
        }
    }

    /// <summary>The leaves whose ratchets have started, ascending.</summary>
    public IEnumerable<uint> HeldLeaves
    {
        get
        {
            for (var leaf = 0u; leaf < LeafCount; leaf++)
            {
                if (_handshake[leaf] is not null)
                {
                    yield return leaf;
                }
            }
        }
    }

    /// <summary>Whether the tree holds the secret of <paramref name="node"/>.</summary>
    public bool HoldsNode(uint node) => node < _nodeSecrets.Length && _nodeSecrets[node] is not null;

    /// <summary>Whether the ratchets of <paramref name="leaf"/> have started.</summary>
    public bool HoldsLeaf(uint leaf) => leaf < LeafCount && _handshake[leaf] is not null;

    /// <summary>
    /// The nodes and leaves whose held secrets changed (derived, replaced or ratcheted) since the
    /// last call: their storage records must be written again, or deleted when no longer held.
    /// </summary>
    public (IReadOnlyCollection<uint> Nodes, IReadOnlyCollection<uint> Leaves) TakeChanged()
    {
        var taken = (_changedNodes, _changedLeaves);
        _changedNodes = [];
        _changedLeaves = [];
        return taken;
    }

    /// <summary>The bytes of <see cref="WriteNode"/> for <paramref name="node"/>, a held node.</summary>
    public int NodeLength(uint node) => sizeof(uint) + SecretEncoding.OpaqueSize(_nodeSecrets[node]!.Length);

    /// <summary>The bytes of <see cref="WriteLeaf"/> for <paramref name="leaf"/>, a held leaf.</summary>
    public int LeafLength(uint leaf) => sizeof(uint) + _handshake[leaf]!.EncodedLength + _application[leaf]!.EncodedLength;

    /// <summary>Appends <c>struct { uint32 node; opaque tree_node_secret&lt;V&gt;; }</c> for a held node (the caller wipes the output).</summary>
    public void WriteNode(TlsWriter writer, uint node)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ObjectDisposedException.ThrowIf(_disposed, this);
        writer.WriteUInt32(node);
        writer.WriteOpaque(_nodeSecrets[node]!.Span);
    }

    /// <summary>Appends <c>struct { uint32 leaf; HashRatchetState handshake; HashRatchetState application; }</c> for a held leaf (the caller wipes the output).</summary>
    public void WriteLeaf(TlsWriter writer, uint leaf)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ObjectDisposedException.ThrowIf(_disposed, this);
        writer.WriteUInt32(leaf);
        _handshake[leaf]!.WriteTo(writer);
        _application[leaf]!.WriteTo(writer);
    }

    /// <summary>An empty tree of <paramref name="leafCount"/> leaves, to be filled with <see cref="ReadNode"/> and <see cref="ReadLeaf"/> and then <see cref="Seal"/>ed.</summary>
    public static EncryptionSecretTree Empty(CipherSuite suite, uint leafCount, string structure)
    {
        ArgumentNullException.ThrowIfNull(suite);
        return ArrayTree.IsValidLeafCount(leafCount) ? new EncryptionSecretTree(suite, leafCount) : throw new DecodeException(DecodeError.InvalidValue, structure);
    }

    /// <summary>Reads what <see cref="WriteNode"/> wrote for <paramref name="expected"/>; a node outside the tree, another node or one read twice is a <see cref="DecodeException"/>.</summary>
    public void ReadNode(ref TlsReader reader, uint expected, string structure)
    {
        var node = reader.ReadUInt32();
        if (node != expected || node >= _nodeSecrets.Length || _nodeSecrets[node] is not null)
        {
            throw new DecodeException(DecodeError.InvalidValue, structure);
        }

        _nodeSecrets[node] = SecretEncoding.ReadSecret(ref reader, _suite.HashSize, structure);
    }

    /// <summary>Reads what <see cref="WriteLeaf"/> wrote for <paramref name="expected"/>; a leaf outside the tree, another leaf or one read twice is a <see cref="DecodeException"/>.</summary>
    public void ReadLeaf(ref TlsReader reader, uint expected, string structure)
    {
        var leaf = reader.ReadUInt32();
        if (leaf != expected || leaf >= LeafCount || _handshake[leaf] is not null)
        {
            throw new DecodeException(DecodeError.InvalidValue, structure);
        }

        _handshake[leaf] = HashRatchet.ReadFrom(_suite, ref reader, leaf, RatchetType.Handshake);
        _application[leaf] = HashRatchet.ReadFrom(_suite, ref reader, leaf, RatchetType.Application);
    }

    /// <summary>Checks, once every record is read, that every leaf is covered exactly once (see <see cref="ReadFrom"/>).</summary>
    public void Seal(string structure) => CheckEveryLeafCoveredOnce(structure);

    /// <summary>Wipes every node secret, ratchet secret and kept key.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        for (var i = 0; i < _nodeSecrets.Length; i++)
        {
            _nodeSecrets[i]?.Dispose();
            _nodeSecrets[i] = null;
        }

        foreach (var ratchet in _handshake.Concat(_application))
        {
            ratchet?.Dispose();
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"EncryptionSecretTree({LeafCount} leaves)";

    private static void WriteRatchet(TlsWriter writer, HashRatchet? ratchet)
    {
        writer.WriteUInt8(ratchet is null ? (byte)0 : (byte)1);
        ratchet?.WriteTo(writer);
    }

    private int NodeSecretsLength()
        => _nodeSecrets.Sum(secret => secret is null ? 0 : sizeof(uint) + SecretEncoding.OpaqueSize(secret.Length));

    private int LeavesLength()
    {
        var length = 0;
        foreach (var ratchet in _handshake.Concat(_application))
        {
            length += 1 + (ratchet?.EncodedLength ?? 0);
        }

        return length;
    }

    /// <summary>
    /// The invariant <see cref="StartRatchets"/> relies on: for every leaf, exactly one of its
    /// ratchets (as a pair), its own node secret and the node secrets of its direct path is held.
    /// A second one would let a ratchet be derived again from the start; none would lose the leaf.
    /// </summary>
    private void CheckEveryLeafCoveredOnce(string structure)
    {
        var root = ArrayTree.Root(LeafCount);
        for (var leaf = 0u; leaf < LeafCount; leaf++)
        {
            var held = _handshake[leaf] is null ? 0 : 1;
            var node = ArrayTree.LeafToNode(leaf, LeafCount);
            while (true)
            {
                held += _nodeSecrets[node] is null ? 0 : 1;
                if (node == root)
                {
                    break;
                }

                node = ArrayTree.Parent(node, LeafCount);
            }

            if (held != 1)
            {
                throw new DecodeException(DecodeError.InvalidValue, structure);
            }
        }
    }

    private HashRatchet Ratchet(uint leafIndex, RatchetType type)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (leafIndex >= LeafCount)
        {
            throw new ArgumentOutOfRangeException(nameof(leafIndex), leafIndex, $"The tree has {LeafCount} leaves.");
        }

        var ratchets = type switch
        {
            RatchetType.Handshake => _handshake,
            RatchetType.Application => _application,
            _ => throw new ArgumentOutOfRangeException(nameof(type)),
        };

        _rollback?.Save(leafIndex, type);
        if (ratchets[leafIndex] is null)
        {
            StartRatchets(leafIndex);
        }

        // Handing out a key moves the ratchet or takes a kept key: the leaf's record changes.
        LeafChanged(leafIndex);
        return ratchets[leafIndex]!;
    }

    /// <summary>Derives the leaf's secret down from the nearest ancestor still held, then its two ratchets.</summary>
    private void StartRatchets(uint leafIndex)
    {
        var leaf = ArrayTree.LeafToNode(leafIndex, LeafCount);
        var path = ArrayTree.DirectPath(leaf, LeafCount);

        // Exactly one node of [leaf, ..path] holds a secret while the leaf has no ratchets: the
        // root at first, and each derivation replaces a node by both of its children.
        var held = _nodeSecrets[leaf] is null ? Array.FindIndex(path, node => _nodeSecrets[node] is not null) : -1;
        for (var i = held; i >= 0; i--)
        {
            DeriveChildren(path[i]);
        }

        var leafSecret = _nodeSecrets[leaf] ?? throw new InvalidOperationException("The secret tree lost the secret of a leaf without ratchets.");
        _nodeSecrets[leaf] = null;
        NodeChanged(leaf);
        LeafChanged(leafIndex);
        using (leafSecret)
        {
            _handshake[leafIndex] = new HashRatchet(_suite, _suite.ExpandWithLabel(leafSecret.Span, HandshakeLabel, default, _suite.HashSize), leafIndex, RatchetType.Handshake);
            _application[leafIndex] = new HashRatchet(_suite, _suite.ExpandWithLabel(leafSecret.Span, ApplicationLabel, default, _suite.HashSize), leafIndex, RatchetType.Application);
        }
    }

    /// <summary>tree_node_[left(N)]_secret and tree_node_[right(N)]_secret replace tree_node_[N]_secret.</summary>
    private void DeriveChildren(uint node)
    {
        var secret = _nodeSecrets[node] ?? throw new InvalidOperationException("The secret tree lost a node secret on a leaf's path.");
        _nodeSecrets[ArrayTree.Left(node, LeafCount)] = _suite.ExpandWithLabel(secret.Span, TreeLabel, "left"u8, _suite.HashSize);
        _nodeSecrets[ArrayTree.Right(node, LeafCount)] = _suite.ExpandWithLabel(secret.Span, TreeLabel, "right"u8, _suite.HashSize);
        _nodeSecrets[node] = null;
        NodeChanged(node);
        NodeChanged(ArrayTree.Left(node, LeafCount));
        NodeChanged(ArrayTree.Right(node, LeafCount));
        secret.Dispose();
    }
}
