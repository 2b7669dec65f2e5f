namespace Courier.Mls.SecretTree;

/// <summary>
/// RFC 9420 §9.1: one sender ratchet (handshake or application) of one leaf.
/// <c>ratchet_secret_[N]_[j]</c> yields <c>ratchet_key_[N]_[j]</c> and <c>ratchet_nonce_[N]_[j]</c>
/// and then is replaced by <c>ratchet_secret_[N]_[j+1]</c> and wiped (§9.2). Keys a receiver
/// skips over are kept, up to <see cref="MaxOutOfOrderKeys"/>, until asked for once.
/// Not thread-safe.
/// <para>
/// Saved state (<see cref="WriteTo"/>, <see cref="ReadFrom"/>): exactly what the ratchet still
/// holds, so that a restored ratchet continues where it stopped and no deleted secret comes back:
/// <code>
/// struct {
///     uint64 next_generation;                  // at most 2^32
///     select (next_generation &lt; 2^32) {
///         case true:  opaque ratchet_secret&lt;V&gt;; // KDF.Nh bytes: ratchet_secret_[N]_[next_generation]
///         case false: struct {};               // every generation derived: no secret left
///     };
///     KeptKey kept_keys&lt;V&gt;;                  // at most MaxOutOfOrderKeys, ascending generation,
/// } HashRatchetState;                          // each below next_generation
///
/// struct {
///     uint32 generation;
///     opaque key&lt;V&gt;;                          // AEAD.Nk bytes
///     opaque nonce&lt;V&gt;;                        // AEAD.Nn bytes
/// } KeptKey;
/// </code>
/// </para>
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

    /// <summary>The next generation of a ratchet that has derived every generation a uint32 numbers.</summary>
    public const ulong EndOfGenerations = (ulong)uint.MaxValue + 1;

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
        if (initialSecret.Length != suite.HashSize)
        {
            throw new ArgumentException($"A ratchet secret must be {suite.HashSize} bytes.", nameof(initialSecret));
        }

        _suite = suite;
        _secret = initialSecret;
        _leafIndex = leafIndex;
        _type = type;
        _nextGeneration = firstGeneration;
    }

    /// <summary>A restored ratchet: <paramref name="secret"/> is null exactly when <paramref name="nextGeneration"/> is <see cref="EndOfGenerations"/>.</summary>
    private HashRatchet(CipherSuite suite, Secret? secret, uint leafIndex, RatchetType type, ulong nextGeneration)
    {
        _suite = suite;
        _secret = secret;
        _leafIndex = leafIndex;
        _type = type;
        _nextGeneration = nextGeneration;
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

    /// <summary>The number of bytes <see cref="WriteTo"/> writes.</summary>
    public int EncodedLength
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return sizeof(ulong) + (_secret is null ? 0 : SecretEncoding.OpaqueSize(_secret.Length)) + SecretEncoding.OpaqueSize(KeptKeysLength);
        }
    }

    private int KeptKeysLength => _outOfOrder.Count * (sizeof(uint) + SecretEncoding.OpaqueSize(_suite.Aead.KeySize) + SecretEncoding.OpaqueSize(_suite.Aead.NonceSize));

    /// <summary>
    /// Appends the <c>HashRatchetState</c> of this ratchet (see the type's summary): the current
    /// ratchet secret and every kept key, in the clear. The caller encrypts the output and wipes
    /// every copy of it.
    /// </summary>
    public void WriteTo(TlsWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ObjectDisposedException.ThrowIf(_disposed, this);
        writer.WriteUInt64(_nextGeneration);
        if (_secret is not null)
        {
            writer.WriteOpaque(_secret.Span);
        }

        // The vector is written without an inner writer, so no second copy of the keys is made.
        writer.WriteVarint(KeptKeysLength);
        foreach (var kept in _outOfOrder.Values)
        {
            writer.WriteUInt32(kept.Generation);
            writer.WriteOpaque(kept.Key.Span);
            writer.WriteOpaque(kept.Nonce.Span);
        }
    }

    /// <summary>
    /// Reads a <c>HashRatchetState</c> written by <see cref="WriteTo"/> for the
    /// <paramref name="type"/> ratchet of leaf <paramref name="leafIndex"/>. Throws
    /// <see cref="DecodeException"/> for a secret, key or nonce of the wrong size, a next generation
    /// above 2^32, kept generations out of order or not below the next generation, or more than
    /// <see cref="MaxOutOfOrderKeys"/> kept keys; nothing read is left unwiped then.
    /// </summary>
    public static HashRatchet ReadFrom(CipherSuite suite, ref TlsReader reader, uint leafIndex, RatchetType type)
    {
        ArgumentNullException.ThrowIfNull(suite);
        const string Structure = "HashRatchetState";
        var nextGeneration = reader.ReadUInt64();
        if (nextGeneration > EndOfGenerations)
        {
            throw new DecodeException(DecodeError.InvalidValue, Structure);
        }

        var secret = nextGeneration < EndOfGenerations ? SecretEncoding.ReadSecret(ref reader, suite.HashSize, Structure) : null;
        var ratchet = new HashRatchet(suite, secret, leafIndex, type, nextGeneration);
        try
        {
            var kept = reader.ReadVector();
            long previous = -1;
            while (!kept.IsEmpty)
            {
                if (ratchet._outOfOrder.Count == MaxOutOfOrderKeys)
                {
                    throw new DecodeException(DecodeError.LengthOutOfRange, Structure);
                }

                var generation = kept.ReadUInt32();
                if (generation <= previous || generation >= nextGeneration)
                {
                    throw new DecodeException(DecodeError.InvalidValue, Structure);
                }

                var key = kept.ReadOpaque();
                var nonce = kept.ReadOpaque();
                if (key.Length != suite.Aead.KeySize || nonce.Length != suite.Aead.NonceSize)
                {
                    throw new DecodeException(DecodeError.LengthOutOfRange, Structure);
                }

                ratchet._outOfOrder.Add(generation, new MessageKey(generation, Secret.Copy(key), Secret.Copy(nonce)));
                previous = generation;
            }

            return ratchet;
        }
        catch
        {
            ratchet.Dispose();
            throw;
        }
    }

    /// <summary>An independent copy of what the ratchet holds, for putting it back after a rejected message.</summary>
    public HashRatchet Clone()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var copy = new HashRatchet(_suite, _secret?.Clone(), _leafIndex, _type, _nextGeneration);
        foreach (var kept in _outOfOrder.Values)
        {
            copy._outOfOrder.Add(kept.Generation, new MessageKey(kept.Generation, kept.Key.Clone(), kept.Nonce.Clone()));
        }

        return copy;
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
        _secret = generation == uint.MaxValue ? null : _suite.DeriveTreeSecret(secret.Span, SecretLabel, generation, _suite.HashSize);
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
