namespace Courier.Mls.Hpke;

/// <summary>The recipient's HPKE context, ContextR (RFC 9180 §5.2): it opens and exports, never seals.</summary>
internal sealed class HpkeReceiverContext : HpkeContext
{
    /// <summary>Takes ownership of <paramref name="schedule"/>.</summary>
    internal HpkeReceiverContext(HpkeSuite suite, HpkeKeySchedule schedule, ulong messageLimit = DefaultMessageLimit)
        : base(suite, schedule, messageLimit)
    {
    }

    /// <summary>
    /// ContextR.Open(aad, ct): the plaintext, or null when authentication fails (the sequence number
    /// then stays where it was, so the next message can still be opened).
    /// </summary>
    /// <exception cref="InvalidOperationException">The suite is export-only.</exception>
    /// <exception cref="HpkeException">The message limit is reached (MessageLimitReached).</exception>
    public byte[]? Open(ReadOnlySpan<byte> aad, ReadOnlySpan<byte> ciphertext) => OpenNext(aad, ciphertext);
}
