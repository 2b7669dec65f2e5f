using Courier.Node.Wire;

namespace Courier.Node.Cells;

/// <summary>
/// A received message as the vault stores it: a text, or a file whose chunks are stored under
/// <see cref="ChunksKey"/>; <see cref="Origin"/> is set when a liaison forwarded it from another cell.
/// <see cref="Arrival"/> numbers the cell's messages in the order they came out of its drops (many
/// arrive within the same second of <see cref="ReceivedAt"/>).
/// </summary>
internal sealed record InboxRecord(byte[] Id, string Cell, string Sender, long ReceivedAt, long Arrival, string? Text, string? FileName, long FileSize, byte[]? ChunksKey, uint ChunkCount, string? Origin)
{
    public bool Read { get; init; }

    /// <summary>Messages are found by their cell's record id.</summary>
    public static string LookupName(byte[] cellId) => Convert.ToHexStringLower(cellId);

    public byte[] Encode()
    {
        using var writer = new RecordWriter();
        writer.U8(1).Text(Cell).Text(Sender).I64(ReceivedAt).I64(Arrival).U8(Read ? (byte)1 : (byte)0).Text(Origin ?? string.Empty);
        if (Text is not null)
        {
            return writer.U8(1).Text(Text).ToArray();
        }

        return writer.U8(2).Text(FileName!).I64(FileSize).Opaque(ChunksKey!).U32(ChunkCount).ToArray();
    }

    /// <exception cref="MalformedRecordException">The plaintext is not an inbox record.</exception>
    public static InboxRecord Decode(byte[] id, ReadOnlySpan<byte> bytes)
    {
        var reader = new RecordReader(bytes, "inbox record");
        if (reader.U8() != 1)
        {
            throw reader.Error("its version is unknown");
        }

        var cell = reader.Text(CellRecord.MaxNameBytes);
        var sender = reader.Text(1024);
        var receivedAt = reader.I64();
        var arrival = reader.I64();
        var read = reader.U8() == 1;
        var origin = reader.Text(1024) is { Length: > 0 } o ? o : null;
        InboxRecord record = reader.U8() switch
        {
            1 => new(id, cell, sender, receivedAt, arrival, reader.Text(EnvelopeFrame.MaxContent), null, 0, null, 0, origin),
            2 => new(id, cell, sender, receivedAt, arrival, null, reader.Text(1024), reader.I64(), reader.OpaqueExactly(FileProgress.KeySize), reader.U32(), origin),
            _ => throw reader.Error("its kind is unknown"),
        };
        reader.EnsureEnd();
        return record with { Read = read };
    }

    public InboxMessage ToMessage() => new(Convert.ToHexStringLower(Id)[..12], Cell, Sender, DateTimeOffset.FromUnixTimeSeconds(ReceivedAt), Text, FileName, FileSize, Origin, Read);
}
