using Courier.Mls.Crypto;
using Courier.Mls.TreeMath;

namespace Courier.Mls.SecretTree;

/// <summary>
/// RFC 9420 §9: the secret tree of one epoch, rooted at <c>encryption_secret</c>, with the same
/// shape as the ratchet tree. Derived lazily and deleted as it goes (§9.2): a node's secret is
/// replaced by its two children's secrets when a leaf below it is first needed, a leaf's secret
/// by its handshake and application <see cref="HashRatchet"/>s, and each ratchet step wipes the
/// secret it came from. Message keys leave the tree exactly once. Not thread-safe.
/// </summary>
internal sealed class EncryptionSecretTree : IDisposable
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
    private bool _disposed;

    /// <summary>
    /// A secret tree for <paramref name="leafCount"/> leaves (a power of two) over a copy of
    /// <paramref name="encryptionSecret"/>; the caller still owns, and should now wipe, its own copy.
    /// </summary>
    public EncryptionSecretTree(CipherSuite suite, Secret encryptionSecret, uint leafCount)
    {
        ArgumentNullException.ThrowIfNull(suite);
        ArgumentNullException.ThrowIfNull(encryptionSecret);
        if (encryptionSecret.Length != CipherSuite.HashSize)
        {
            throw new ArgumentException($"encryption_secret must be {CipherSuite.HashSize} bytes.", nameof(encryptionSecret));
        }

        var width = ArrayTree.NodeWidth(leafCount);
        _suite = suite;
        LeafCount = leafCount;
        _nodeSecrets = new Secret?[width];
        _handshake = new HashRatchet?[leafCount];
        _application = new HashRatchet?[leafCount];
        _nodeSecrets[ArrayTree.Root(leafCount)] = encryptionSecret.Clone();
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

        if (ratchets[leafIndex] is null)
        {
            StartRatchets(leafIndex);
        }

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
        using (leafSecret)
        {
            _handshake[leafIndex] = new HashRatchet(_suite, _suite.ExpandWithLabel(leafSecret.Span, HandshakeLabel, default, CipherSuite.HashSize), leafIndex, RatchetType.Handshake);
            _application[leafIndex] = new HashRatchet(_suite, _suite.ExpandWithLabel(leafSecret.Span, ApplicationLabel, default, CipherSuite.HashSize), leafIndex, RatchetType.Application);
        }
    }

    /// <summary>tree_node_[left(N)]_secret and tree_node_[right(N)]_secret replace tree_node_[N]_secret.</summary>
    private void DeriveChildren(uint node)
    {
        var secret = _nodeSecrets[node] ?? throw new InvalidOperationException("The secret tree lost a node secret on a leaf's path.");
        _nodeSecrets[ArrayTree.Left(node, LeafCount)] = _suite.ExpandWithLabel(secret.Span, TreeLabel, "left"u8, CipherSuite.HashSize);
        _nodeSecrets[ArrayTree.Right(node, LeafCount)] = _suite.ExpandWithLabel(secret.Span, TreeLabel, "right"u8, CipherSuite.HashSize);
        _nodeSecrets[node] = null;
        secret.Dispose();
    }
}
