using Courier.Mls.Crypto;

namespace Courier.Mls.SecretTree;

/// <summary>
/// RFC 9420 §9.1: one sender ratchet (handshake or application) of one leaf.
/// <c>ratchet_secret_[N]_[j]</c> yields <c>ratchet_key_[N]_[j]</c> and <c>ratchet_nonce_[N]_[j]</c>
/// and then is replaced by <c>ratchet_secret_[N]_[j+1]</c> and wiped (§9.2). Keys a receiver
/// skips over are kept, up to <see cref="MaxOutOfOrderKeys"/>, until asked for once.
/// Not thread-safe.
/// </summary>
internal sealed class HashRatchet : IDisposable
{
    /// <summary>
    /// The furthest a receiver moves the ratchet past its next generation for one message: asking
    /// for a generation more than this ahead is <see cref="SecretTreeError.GenerationTooFarAhead"/>.
    /// Bounds the work a single (inside) sender can make a receiver do.
    /// </summary>
    public const uint MaxForwardDistance = 1024;

    /// <summary>
    /// The most skipped keys kept for out-of-order messages; beyond it the oldest generations are
    /// wiped first (§9.2 allows keeping unconsumed keys "for some reasonable amount of time").
    /// </summary>
    public const int MaxOutOfOrderKeys = 1024;

    /// <summary>The <c>DeriveTreeSecret</c> label of the next ratchet secret.</summary>
    public const string SecretLabel = "secret";

    /// <summary>The <c>DeriveTreeSecret</c> label of a message key.</summary>
    public const string KeyLabel = "key";

    /// <summary>The <c>DeriveTreeSecret</c> label of a message nonce.</summary>
    public const string NonceLabel = "nonce";

    private readonly CipherSuite _suite;
    private readonly uint _leafIndex;
    private readonly RatchetType _type;
    private readonly SortedDictionary<uint, MessageKey> _outOfOrder = [];
    private Secret? _secret;
    private ulong _nextGeneration;
    private bool _disposed;

    /// <summary>
    /// Starts the ratchet from <paramref name="initialSecret"/>, which it takes ownership of, as the
    /// ratchet secret of <paramref name="firstGeneration"/> (0 in the protocol; tests start later to
    /// reach the end of the uint32 range).
    /// </summary>
    public HashRatchet(CipherSuite suite, Secret initialSecret, uint leafIndex, RatchetType type, uint firstGeneration = 0)
    {
        ArgumentNullException.ThrowIfNull(suite);
        ArgumentNullException.ThrowIfNull(initialSecret);
        if (initialSecret.Length != CipherSuite.HashSize)
        {
            throw new ArgumentException($"A ratchet secret must be {CipherSuite.HashSize} bytes.", nameof(initialSecret));
        }

        _suite = suite;
        _secret = initialSecret;
        _leafIndex = leafIndex;
        _type = type;
        _nextGeneration = firstGeneration;
    }

    /// <summary>The generation the ratchet secret is at; 2^32 once every generation has been derived.</summary>
    public ulong NextGeneration => _nextGeneration;

    /// <summary>How many skipped keys are kept for out-of-order messages.</summary>
    public int OutOfOrderKeyCount => _outOfOrder.Count;

    /// <summary>Every secret the ratchet still holds (for tests of the deletion schedule).</summary>
    internal IEnumerable<Secret> HeldSecrets
    {
        get
        {
            if (_secret is not null)
            {
                yield return _secret;
            }

            foreach (var kept in _outOfOrder.Values)
            {
                yield return kept.Key;
                yield return kept.Nonce;
            }
        }
    }

    /// <summary>
    /// For sending: the key of the next generation, which the ratchet then moves past. The caller
    /// owns the result and disposes it once the message is encrypted.
    /// </summary>
    public MessageKey Next()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return DeriveAndAdvance();
    }

    /// <summary>
    /// For receiving: the key of <paramref name="generation"/>, removed from the ratchet. Skipped
    /// generations are kept for later; a generation already handed out, or no longer kept, is
    /// <see cref="SecretTreeError.GenerationConsumed"/>; one more than
    /// <see cref="MaxForwardDistance"/> ahead is <see cref="SecretTreeError.GenerationTooFarAhead"/>.
    /// The caller owns the result and disposes it once the message is decrypted.
    /// </summary>
    public MessageKey Get(uint generation)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (generation < _nextGeneration)
        {
            return _outOfOrder.Remove(generation, out var kept) ? kept : throw Refused(SecretTreeError.GenerationConsumed, generation);
        }

        if (generation - _nextGeneration > MaxForwardDistance)
        {
            throw Refused(SecretTreeError.GenerationTooFarAhead, generation);
        }

        while (_nextGeneration < generation)
        {
            Keep(DeriveAndAdvance());
        }

        return DeriveAndAdvance();
    }

    /// <summary>Wipes the ratchet secret and every kept key.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _secret?.Dispose();
        _secret = null;
        foreach (var kept in _outOfOrder.Values)
        {
            kept.Dispose();
        }

        _outOfOrder.Clear();
    }

    /// <inheritdoc/>
    public override string ToString() => $"HashRatchet({_type}, leaf {_leafIndex}, generation {_nextGeneration})";

    private MessageKey DeriveAndAdvance()
    {
        var secret = _secret ?? throw Refused(SecretTreeError.RatchetExhausted, _nextGeneration);
        var generation = (uint)_nextGeneration;
        var key = _suite.DeriveTreeSecret(secret.Span, KeyLabel, generation, _suite.Aead.KeySize);
        var nonce = _suite.DeriveTreeSecret(secret.Span, NonceLabel, generation, _suite.Aead.NonceSize);

        // The last generation a uint32 numbers has no successor secret.
        _secret = generation == uint.MaxValue ? null : _suite.DeriveTreeSecret(secret.Span, SecretLabel, generation, CipherSuite.HashSize);
        secret.Dispose();
        _nextGeneration++;
        return new MessageKey(generation, key, nonce);
    }

    private void Keep(MessageKey skipped)
    {
        _outOfOrder.Add(skipped.Generation, skipped);
        while (_outOfOrder.Count > MaxOutOfOrderKeys)
        {
            var oldest = _outOfOrder.First();
            _outOfOrder.Remove(oldest.Key);
            oldest.Value.Dispose();
        }
    }

    private SecretTreeException Refused(SecretTreeError reason, ulong generation)
        => new(reason, _leafIndex, _type == RatchetType.Handshake ? "handshake" : "application", generation);
}
