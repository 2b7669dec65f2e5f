using Courier.Node.Wire;
using Courier.Relay.Client;

namespace Courier.Node.Cells;

/// <summary>
/// A message this member protected, kept (in memory and as its own vault record) until its place in
/// its epoch's order is known: before the commit that closed the epoch, or else it is sent again in
/// the next one. Retries reuse <see cref="Id"/>, so the relay stores it once. Its content is kept
/// as bytes, or for a file chunk as a <see cref="FileChunkSource"/>. It keeps its drop's append
/// key seed, so a retry can still sign for its epoch's drop after the cell moved to the next.
/// </summary>
internal sealed class OutboxEntry(long order, ulong epoch, DropName drop, MessageId id, byte[]? content, FileChunkSource? source, byte[]? envelope)
{
    private const byte Version = 5;

    /// <summary>Written before entries recorded when they were queued.</summary>
    private const byte UntimedVersion = 4;

    /// <summary>Written before write-authorized drops: no append key (its drop was created without one) and never set aside.</summary>
    private const byte UnkeyedVersion = 3;

    /// <summary>Written before envelopes were sealed: it holds the bare MLSMessage, which no member reads any more.</summary>
    private const byte UnsealedVersion = 2;
    private const byte InlineContent = 0;
    private const byte SourcedContent = 1;

    /// <summary>Its place among the cell's outbox entries: they are sent again in this order.</summary>
    public long Order { get; } = order;

    public ulong Epoch { get; } = epoch;

    public DropName Drop { get; } = drop;

    public MessageId Id { get; } = id;

    /// <summary>The content, to protect again if the entry must be sent in a later epoch; null when a file chunk's file changed since.</summary>
    public byte[]? Content => content ?? source?.Read();

    /// <summary>For a file chunk, where its bytes are (for the error when they changed).</summary>
    public FileChunkSource? Source => source;

    /// <summary>
    /// The sealed envelope as first made: a retry sends exactly these bytes. Null for an entry of a
    /// version before sealed envelopes, which is protected and sealed again in the current epoch.
    /// </summary>
    public byte[]? Envelope { get; } = envelope;

    /// <summary>The seed of the append key of <see cref="Drop"/>; empty for an entry written before write-authorized drops (its drop has no append key).</summary>
    public byte[] AppendSeed { get; init; } = [];

    /// <summary>
    /// True once the relay refused the append for good (a full drop, a signature it does not accept):
    /// the entry is set aside, said once, no longer retried, and sent again in the cell's next epoch.
    /// </summary>
    public bool Refused { get; set; }

    /// <summary>When the message was first queued (Unix seconds; kept when it is protected again in a later epoch), or 0 for an entry of a version before it was recorded.</summary>
    public long QueuedAt { get; init; }

    /// <summary>The relay's sequence number once it acknowledged the append; not stored (a retry after a restart learns it again).</summary>
    public long? Sequence { get; set; }

    public byte[] Encode()
    {
        using var writer = new RecordWriter((content?.Length ?? 0) + (Envelope?.Length ?? 0) + 512);
        writer.U8(Version).I64(Order).U64(Epoch).Fixed(Drop.Bytes).Fixed(Id.Bytes);
        if (source is null)
        {
            writer.U8(InlineContent).Opaque(content);
        }
        else
        {
            writer.U8(SourcedContent).Text(source.Name).U32(source.Index).U32(source.Count).Text(source.Path).I64(source.Offset).U32((uint)source.Length).Fixed(source.Sha256);
        }

        return writer.Opaque(Envelope ?? []).Opaque(AppendSeed).U8(Refused ? (byte)1 : (byte)0).I64(QueuedAt).ToArray();
    }

    /// <exception cref="MalformedRecordException">The plaintext is not an outbox entry.</exception>
    public static OutboxEntry Decode(ReadOnlySpan<byte> bytes)
    {
        var reader = new RecordReader(bytes, "outbox entry");
        var version = reader.U8();
        if (version is not (Version or UntimedVersion or UnkeyedVersion or UnsealedVersion))
        {
            throw reader.Error("its version is unknown");
        }

        var (order, epoch, drop, id) = (reader.I64(), reader.U64(), DropName.FromBytes(reader.Fixed(DropName.Size)), MessageId.FromBytes(reader.Fixed(MessageId.Size)));
        var (content, source) = reader.U8() switch
        {
            InlineContent => (reader.Opaque(EnvelopeFrame.MaxContent), (FileChunkSource?)null),
            SourcedContent => ((byte[]?)null, ReadSource(ref reader)),
            _ => throw reader.Error("its content kind is unknown"),
        };
        var envelope = reader.Opaque(EnvelopeSizes.Max);
        var (appendSeed, refused) = version is Version or UntimedVersion ? (reader.Opaque(DropAppendKey.Size), reader.U8()) : ([], (byte)0);
        var queuedAt = version == Version ? reader.I64() : 0;
        reader.EnsureEnd();
        if (version != UnsealedVersion && !EnvelopeSizes.IsAllowed(envelope.Length))
        {
            throw reader.Error("its envelope has a size no relay stores");
        }

        if (version is Version or UntimedVersion && (appendSeed.Length is not (0 or DropAppendKey.Size) || refused > 1))
        {
            throw reader.Error("its append key or refusal mark is malformed");
        }

        return new OutboxEntry(order, epoch, drop, id, content, source, version == UnsealedVersion ? null : envelope) { AppendSeed = appendSeed, Refused = refused == 1, QueuedAt = queuedAt };
    }

    private static FileChunkSource ReadSource(ref RecordReader reader)
    {
        var (name, index, count, path, offset) = (reader.Text(1024), reader.U32(), reader.U32(), reader.Text(4096), reader.I64());
        var length = reader.U32();
        return offset < 0 || length > EnvelopeFrame.MaxContent
            ? throw reader.Error("its file chunk lies outside any file")
            : new FileChunkSource(name, index, count, path, offset, (int)length, reader.Fixed(32).ToArray());
    }
}
