using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Courier.Mls.Hpke;

/// <summary>
/// The state shared by both ends of an HPKE context (RFC 9180 §5.2, §5.3): the key schedule and a
/// private sequence number, which no caller can read or set. Not thread-safe: a context is a sequence.
/// Dispose wipes key, base_nonce and exporter_secret; a disposed context refuses every operation.
/// </summary>
internal abstract class HpkeContext : IDisposable
{
    /// <summary>
    /// How many messages a context seals or opens. The sequence number is 64 bits, shorter than Nn as
    /// RFC 9180 §5.2 allows: nonces use seq 0 .. 2^64 - 2, and the Seal/Open after that fails instead
    /// of wrapping.
    /// </summary>
    public const ulong DefaultMessageLimit = ulong.MaxValue;

    private readonly HpkeSuite _suite;
    private readonly HpkeKeySchedule _schedule;
    private readonly ulong _messageLimit;
    private ulong _sequenceNumber;

    /// <param name="suite">The HPKE algorithms.</param>
    /// <param name="schedule">The key schedule; the context takes ownership and wipes it on dispose.</param>
    /// <param name="messageLimit">The number of Seal/Open operations allowed (smaller values exist for tests).</param>
    private protected HpkeContext(HpkeSuite suite, HpkeKeySchedule schedule, ulong messageLimit)
    {
        ArgumentNullException.ThrowIfNull(suite);
        ArgumentNullException.ThrowIfNull(schedule);
        if ((suite.Aead is null) != (schedule.Key is null)
            || (suite.Aead is not null && (schedule.Key!.Length != suite.Aead.KeySize || schedule.BaseNonce!.Length != suite.Aead.NonceSize))
            || schedule.ExporterSecret.Length != suite.Kdf.HashSize)
        {
            throw new ArgumentException("The key schedule does not match the HPKE suite.", nameof(schedule));
        }

        _suite = suite;
        _schedule = schedule;
        _messageLimit = messageLimit;
    }

    /// <summary>The algorithms of this context.</summary>
    public HpkeSuite Suite => _suite;

    /// <summary>True once the key schedule secrets have been wiped.</summary>
    public bool IsDisposed => _schedule.IsDisposed;

    /// <summary>
    /// Context.Export(exporter_context, L) = LabeledExpand(exporter_secret, "sec", exporter_context, L)
    /// (RFC 9180 §5.3), for 1 &lt;= L &lt;= 255 * Nh.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is outside 1..255*Nh.</exception>
    public Secret Export(ReadOnlySpan<byte> exporterContext, int length)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, _suite.Kdf.MaxExpandLength);
        return _suite.Kdf.LabeledExpand(_schedule.ExporterSecret.Span, "sec"u8, exporterContext, length);
    }

    /// <summary>Wipes key, base_nonce and exporter_secret.</summary>
    public void Dispose() => _schedule.Dispose();

    /// <inheritdoc/>
    public override string ToString() => $"{GetType().Name}({_suite})";

    /// <summary>ContextS.Seal (RFC 9180 §5.2): seals with the current nonce, then increments seq.</summary>
    private protected byte[] SealNext(ReadOnlySpan<byte> aad, ReadOnlySpan<byte> plaintext)
    {
        var aead = RequireAead();
        Span<byte> nonce = stackalloc byte[aead.NonceSize];
        try
        {
            ComputeNonce(nonce);
            var ciphertext = aead.Seal(_schedule.Key!.Span, nonce, aad, plaintext);
            _sequenceNumber++;
            return ciphertext;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(nonce);
        }
    }

    /// <summary>ContextR.Open (RFC 9180 §5.2): null on authentication failure, which leaves seq unchanged.</summary>
    private protected byte[]? OpenNext(ReadOnlySpan<byte> aad, ReadOnlySpan<byte> ciphertext)
    {
        var aead = RequireAead();
        Span<byte> nonce = stackalloc byte[aead.NonceSize];
        try
        {
            ComputeNonce(nonce);
            var plaintext = aead.Open(_schedule.Key!.Span, nonce, aad, ciphertext);
            if (plaintext is not null)
            {
                _sequenceNumber++;
            }

            return plaintext;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(nonce);
        }
    }

    private Aead RequireAead()
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        var aead = _suite.Aead ?? throw new InvalidOperationException("An export-only HPKE context cannot seal or open.");

        // Refuse before using the nonce: IncrementSeq would fail after this operation (RFC 9180 §5.2).
        if (_sequenceNumber >= _messageLimit)
        {
            throw new HpkeException(HpkeError.MessageLimitReached);
        }

        return aead;
    }

    /// <summary>ComputeNonce(seq) = base_nonce XOR I2OSP(seq, Nn) (RFC 9180 §5.2).</summary>
    private void ComputeNonce(Span<byte> nonce)
    {
        _schedule.BaseNonce!.Span.CopyTo(nonce);
        var tail = nonce[^sizeof(ulong)..];
        BinaryPrimitives.WriteUInt64BigEndian(tail, BinaryPrimitives.ReadUInt64BigEndian(tail) ^ _sequenceNumber);
    }
}
