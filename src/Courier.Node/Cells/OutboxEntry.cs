using Courier.Node.Wire;
using Courier.Relay.Client;

namespace Courier.Node.Cells;

/// <summary>
/// A message this member protected, kept (in memory and as its own vault record) until its place in
/// its epoch's order is known: before the commit that closed the epoch, or else it is sent again in
/// the next one. Retries reuse <see cref="Id"/>, so the relay stores it once.
/// </summary>
internal sealed class OutboxEntry(long order, ulong epoch, DropName drop, MessageId id, byte[] content, byte[] mls)
{
    private const byte Version = 1;

    /// <summary>Its place among the cell's outbox entries: they are sent again in this order.</summary>
    public long Order { get; } = order;

    public ulong Epoch { get; } = epoch;

    public DropName Drop { get; } = drop;

    public MessageId Id { get; } = id;

    /// <summary>The content, to protect again if the entry must be sent in a later epoch.</summary>
    public byte[] Content { get; } = content;

    /// <summary>The MLSMessage as first protected: a retry sends exactly these bytes.</summary>
    public byte[] Mls { get; } = mls;

    /// <summary>The relay's sequence number once it acknowledged the append; not stored (a retry after a restart learns it again).</summary>
    public long? Sequence { get; set; }

    public byte[] Encode()
    {
        using var writer = new RecordWriter(Content.Length + Mls.Length + 128);
        return writer.U8(Version).I64(Order).I64((long)Epoch).Fixed(Drop.Bytes).Fixed(Id.Bytes).Opaque(Content).Opaque(Mls).ToArray();
    }

    /// <exception cref="MalformedRecordException">The plaintext is not an outbox entry.</exception>
    public static OutboxEntry Decode(ReadOnlySpan<byte> bytes)
    {
        var reader = new RecordReader(bytes, "outbox entry");
        if (reader.U8() != Version)
        {
            throw reader.Error("its version is unknown");
        }

        var entry = new OutboxEntry(reader.I64(), (ulong)reader.I64(), DropName.FromBytes(reader.Fixed(DropName.Size)), MessageId.FromBytes(reader.Fixed(MessageId.Size)), reader.Opaque(EnvelopeFrame.MaxContent), reader.Opaque(EnvelopeFrame.MaxContent));
        reader.EnsureEnd();
        return entry;
    }
}
