using Courier.Node.Wire;

namespace Courier.Node.Cells;

/// <summary>
/// Where a cell stands in its drops, written with every batch it reads: the last sequence number
/// read in the current epoch's drop; for epochs the outbox still holds entries of, the sequence
/// number of the commit that closed them; and the members that announced they leave.
/// </summary>
internal sealed record CellCursor(long Position, IReadOnlyDictionary<ulong, long> ClosedAt, IReadOnlySet<string> Leaving)
{
    private const byte Version = 1;

    public static CellCursor Start { get; } = new(0, new Dictionary<ulong, long>(), new HashSet<string>());

    public byte[] Encode()
    {
        using var writer = new RecordWriter(64 + (ClosedAt.Count * 16) + (Leaving.Count * 32));
        writer.U8(Version).I64(Position).U32((uint)ClosedAt.Count);
        foreach (var (epoch, sequence) in ClosedAt)
        {
            writer.U64(epoch).I64(sequence);
        }

        return writer.List(Leaving.Select(System.Text.Encoding.UTF8.GetBytes).ToList()).ToArray();
    }

    /// <exception cref="MalformedRecordException">The plaintext is not a cursor.</exception>
    public static CellCursor Decode(ReadOnlySpan<byte> bytes)
    {
        var reader = new RecordReader(bytes, "cell cursor");
        if (reader.U8() != Version)
        {
            throw reader.Error("its version is unknown");
        }

        var position = reader.I64();
        var count = reader.U32();
        if (count > 1024)
        {
            throw reader.Error("it lists too many epochs");
        }

        var closedAt = new Dictionary<ulong, long>();
        for (; count > 0; count--)
        {
            closedAt[reader.U64()] = reader.I64();
        }

        var leaving = reader.List(CellRecord.MaxMembers, CellRecord.MaxCodeNameBytes).Select(System.Text.Encoding.UTF8.GetString).ToHashSet(StringComparer.Ordinal);
        reader.EnsureEnd();
        return new CellCursor(position, closedAt, leaving);
    }
}
