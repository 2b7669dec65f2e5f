namespace Courier.Relay.Storage.Nats;

/// <summary>One fetch's page as it fills: envelopes after a drop sequence number, up to a count and about a byte budget.</summary>
internal sealed class Page(long after, int maxCount, int maxBytes)
{
    private readonly long _after = after;
    private int _bytes;
    private bool _full;

    public List<StoredEnvelope> Envelopes { get; } = [];

    /// <summary>The drop sequence number of the last envelope taken, or the page's start.</summary>
    public long LastDropSeq { get; private set; } = after;

    /// <summary>The stream sequence number of the last message offered.</summary>
    public ulong LastStreamSeq { get; private set; }

    public bool WantsMore => !_full && Envelopes.Count < maxCount;

    /// <summary>Takes a message read from the drop's subject: skipped when at or before the page's start, refused when it would overrun the byte budget.</summary>
    public void Offer(ulong streamSeq, long dropSeq, byte[] data)
    {
        if (dropSeq <= _after)
        {
            LastStreamSeq = streamSeq;
            return;
        }

        if (Envelopes.Count > 0 && _bytes + data.Length > maxBytes)
        {
            _full = true;
            return;
        }

        _bytes += data.Length;
        Envelopes.Add(new StoredEnvelope(dropSeq, data));
        LastDropSeq = dropSeq;
        LastStreamSeq = streamSeq;
    }

    /// <summary>How many messages the next pull asks for: the count left, or fewer when the envelopes seen so far say the bytes left hold fewer.</summary>
    public int BatchSize()
    {
        int left = maxCount - Envelopes.Count;
        if (Envelopes.Count == 0 || _bytes == 0)
        {
            return left;
        }

        long average = Math.Max(1, _bytes / Envelopes.Count);
        long fits = ((maxBytes - _bytes) / average) + 1;
        return (int)Math.Clamp(fits, 1, left);
    }
}
