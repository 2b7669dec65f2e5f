namespace Courier.Mls.Hpke;

/// <summary>The sender's HPKE context, ContextS (RFC 9180 §5.2): it seals and exports, never opens.</summary>
internal sealed class HpkeSenderContext : HpkeContext
{
    /// <summary>Takes ownership of <paramref name="schedule"/>.</summary>
    internal HpkeSenderContext(HpkeSuite suite, HpkeKeySchedule schedule, ulong messageLimit = DefaultMessageLimit)
        : base(suite, schedule, messageLimit)
    {
    }

    /// <summary>ContextS.Seal(aad, pt): ciphertext || tag under the next nonce of the sequence.</summary>
    /// <exception cref="InvalidOperationException">The suite is export-only.</exception>
    /// <exception cref="HpkeException">The message limit is reached (MessageLimitReached).</exception>
    public byte[] Seal(ReadOnlySpan<byte> aad, ReadOnlySpan<byte> plaintext) => SealNext(aad, plaintext);
}
