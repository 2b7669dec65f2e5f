using Courier.Node.Wire;

namespace Courier.Node.Cells;

/// <summary>
/// Where a cell stands in its drops, written with every batch it reads: the last sequence number
/// read in the current epoch's drop; for epochs the outbox still holds entries of, the sequence
/// number of the commit that closed them; the members that announced they leave; and the cell's
/// rejoin secret with when this member last checked the rejoin drop (<see cref="CellRejoin"/>); and a
/// digest of the envelope read at the position, to tell a drop renumbered past it (version 3).
/// </summary>
internal sealed record CellCursor(long Position, IReadOnlyDictionary<ulong, long> ClosedAt, IReadOnlySet<string> Leaving)
{
    private const byte Version = 3;

    /// <summary>The size of <see cref="PositionDigest"/>: the first 16 bytes of SHA-256.</summary>
    public const int DigestSize = 16;

    public static CellCursor Start { get; } = new(0, new Dictionary<ulong, long>(), new HashSet<string>());

    /// <summary>The cell's rejoin secret; empty in a cursor written before version 2.</summary>
    public byte[] RejoinSecret { get; init; } = [];

    /// <summary>When this member last made sure the rejoin drop holds the current epoch's GroupInfo (Unix seconds).</summary>
    public long RejoinCheckedAt { get; init; }

    /// <summary>When this member found a gap it could not yet tell from a missed commit (Unix seconds), or 0: until a day of members' checks has passed, it checks the rejoin drop on every sync.</summary>
    public long GapSince { get; init; }

    /// <summary>A digest of the envelope read at <see cref="Position"/> (<see cref="DigestOf"/>); empty when not known (a cursor before version 3, a position moved past a hole).</summary>
    public byte[] PositionDigest { get; init; } = [];

    /// <summary>The digest that identifies an envelope at its place: the first <see cref="DigestSize"/> bytes of its SHA-256 (of sealed bytes, so it tells nothing of the content).</summary>
    public static byte[] DigestOf(ReadOnlySpan<byte> envelope) => System.Security.Cryptography.SHA256.HashData(envelope)[..DigestSize];

    public byte[] Encode()
    {
        using var writer = new RecordWriter(96 + (ClosedAt.Count * 16) + (Leaving.Count * 32));
        writer.U8(Version).I64(Position).U32((uint)ClosedAt.Count);
        foreach (var (epoch, sequence) in ClosedAt)
        {
            writer.U64(epoch).I64(sequence);
        }

        return writer.List(Leaving.Select(System.Text.Encoding.UTF8.GetBytes).ToList()).Opaque(RejoinSecret).I64(RejoinCheckedAt).I64(GapSince).Opaque(PositionDigest).ToArray();
    }

    /// <exception cref="MalformedRecordException">The plaintext is not a cursor.</exception>
    public static CellCursor Decode(ReadOnlySpan<byte> bytes)
    {
        var reader = new RecordReader(bytes, "cell cursor");
        var version = reader.U8();
        if (version is not (1 or 2 or Version))
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
        var (secret, checkedAt, gapSince) = version == 1 ? ([], 0, 0) : (reader.Opaque(CellRejoin.SecretSize), reader.I64(), reader.I64());
        var digest = version == Version ? reader.Opaque(DigestSize) : [];
        reader.EnsureEnd();
        return digest.Length is 0 or DigestSize
            ? new CellCursor(position, closedAt, leaving) { RejoinSecret = secret, RejoinCheckedAt = checkedAt, GapSince = gapSince, PositionDigest = digest }
            : throw reader.Error("its position digest has the wrong size");
    }
}
