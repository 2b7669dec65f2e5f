using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Courier.Mls.Group;
using Courier.Node.Wire;

namespace Courier.Node.Cells;

/// <summary>
/// What lets a member that fell behind rejoin its cell (docs/cells.md, "Falling behind and
/// rejoining"): a rejoin secret every current member holds, and the rejoin drops named from it (one
/// per period), where the committer of each epoch leaves a <see cref="RejoinRecord"/> sealed under a
/// key from the same secret. The secret is the epoch's <c>MLS-Exporter("courier cell rejoin secret", "", 32)</c>
/// (RFC 9420 §8.5) of the last epoch whose commit added or removed a member, so a removed member
/// never learns the next one, and a member that missed only commits that kept the members still has it.
/// </summary>
internal static class CellRejoin
{
    /// <summary>The size of the rejoin secret.</summary>
    public const int SecretSize = 32;

    /// <summary>The envelope kind of a rejoin record, inside the seal.</summary>
    public const byte RecordKind = 0x31;

    private const string SecretLabel = "courier cell rejoin secret";

    /// <summary>The rejoin secret of <paramref name="group"/>'s current epoch.</summary>
    public static byte[] SecretOf(MlsGroup group)
    {
        using var secret = group.Export(SecretLabel, [], SecretSize);
        return secret.Export();
    }

    /// <summary>How many periods back a reader looks for a record (a week and a day of daily periods: a relay keeps envelopes 7 days by default).</summary>
    public const int Lookback = 8;

    /// <summary>The number of the period (of length <paramref name="period"/>) that <paramref name="now"/> falls in.</summary>
    public static long PeriodOf(DateTimeOffset now, TimeSpan period) => now.ToUnixTimeSeconds() / Math.Max(1, (long)period.TotalSeconds);

    /// <summary>
    /// The rejoin drop of <paramref name="secret"/> for period number <paramref name="period"/>: its
    /// name, read key, append key and sealing key, each HKDF-Expand (RFC 5869) of the secret with its
    /// own label and the period (u64). A new drop each period bounds what one drop holds to one
    /// period's commits; the old ones leave by the relay's retention.
    /// </summary>
    public static CellDrop DropOf(byte[] secret, long period)
        => CellDrop.FromSeeds(new DropSeeds(
            Expand(secret, "courier cell rejoin drop", period),
            Expand(secret, "courier cell rejoin read key", period),
            Expand(secret, "courier cell rejoin append key", period),
            Expand(secret, "courier cell rejoin envelope key", period)));

    private static byte[] Expand(byte[] secret, string label, long period)
    {
        var info = new byte[label.Length + 8];
        Encoding.ASCII.GetBytes(label, info);
        BinaryPrimitives.WriteInt64BigEndian(info.AsSpan(label.Length), period);
        return HKDF.Expand(HashAlgorithmName.SHA256, secret, DropSeeds.Size, info);
    }
}

/// <summary>
/// What the committer of an epoch leaves in the rejoin drop: the epoch, the seeds of the epoch's
/// drop (so a member that is not in the epoch can seal its external commit for the drop the members
/// read, append it there and read back where it landed) and the signed MLSMessage(GroupInfo) with external_pub and
/// the ratchet tree (RFC 9420 §12.4.3.2). Encoded <c>u64 epoch || name(32) || read seed(32) ||
/// append seed(32) || envelope seed(32) || GroupInfo</c>; sealed as a whole, so the relay sees only a sealed envelope.
/// </summary>
internal sealed record RejoinRecord(ulong Epoch, DropSeeds Drop, byte[] GroupInfo) : IDisposable
{
    private const int HeaderSize = 8 + (4 * DropSeeds.Size);

    public byte[] Encode()
    {
        using var writer = new RecordWriter(HeaderSize + GroupInfo.Length);
        return writer.U64(Epoch).Fixed(Drop.Name).Fixed(Drop.ReadSeed).Fixed(Drop.AppendSeed).Fixed(Drop.EnvelopeSeed).Fixed(GroupInfo).ToArray();
    }

    /// <summary>The record, or null when <paramref name="content"/> is too short to be one.</summary>
    public static RejoinRecord? TryDecode(ReadOnlySpan<byte> content)
    {
        if (content.Length <= HeaderSize)
        {
            return null;
        }

        var reader = new RecordReader(content, "rejoin record");
        var epoch = reader.U64();
        var seeds = new DropSeeds(reader.Fixed(DropSeeds.Size).ToArray(), reader.Fixed(DropSeeds.Size).ToArray(), reader.Fixed(DropSeeds.Size).ToArray(), reader.Fixed(DropSeeds.Size).ToArray());
        return new RejoinRecord(epoch, seeds, content[HeaderSize..].ToArray());
    }

    /// <summary>The seeds of the epoch's drop, as a copy that <see cref="CellDrop.FromSeeds"/> may wipe.</summary>
    public DropSeeds CopyOfDrop() => new((byte[])Drop.Name.Clone(), (byte[])Drop.ReadSeed.Clone(), (byte[])Drop.AppendSeed.Clone(), (byte[])Drop.EnvelopeSeed.Clone());

    public void Dispose() => Drop.Dispose();
}

/// <summary>
/// A rejoin record too large for one envelope (a cell of some hundreds of members), split across
/// envelopes of kind <see cref="Kind"/>, each sealed like a whole record. A part is <c>id(8) || u16
/// index || u16 count || bytes</c>: the random id ties the parts of one publication together, so parts
/// of two members' publications of one epoch never mix. A record of more than <see cref="MaxParts"/>
/// parts is not published.
/// </summary>
internal static class RejoinParts
{
    /// <summary>The envelope kind of a part, inside the seal.</summary>
    public const byte Kind = 0x32;

    /// <summary>The most parts a record is split into (64 MiB in 64 KiB envelopes).</summary>
    public const int MaxParts = 1024;

    private const int HeaderSize = 8 + 2 + 2;

    /// <summary>The parts of <paramref name="record"/>, each at most <paramref name="maxContent"/> bytes; null when it would take more than <see cref="MaxParts"/>. The caller wipes them.</summary>
    public static List<byte[]>? Split(ReadOnlySpan<byte> record, int maxContent)
    {
        var size = maxContent - HeaderSize;
        var count = (record.Length + size - 1) / size;
        if (count > MaxParts)
        {
            return null;
        }

        var id = RandomNumberGenerator.GetBytes(8);
        var parts = new List<byte[]>(count);
        for (var i = 0; i < count; i++)
        {
            var slice = record.Slice(i * size, Math.Min(size, record.Length - (i * size)));
            var part = new byte[HeaderSize + slice.Length];
            id.CopyTo(part, 0);
            BinaryPrimitives.WriteUInt16BigEndian(part.AsSpan(8), (ushort)i);
            BinaryPrimitives.WriteUInt16BigEndian(part.AsSpan(10), (ushort)count);
            slice.CopyTo(part.AsSpan(HeaderSize));
            parts.Add(part);
        }

        return parts;
    }

    /// <summary>Gathers parts as a reader meets them, in any order.</summary>
    public sealed class Collector
    {
        private readonly Dictionary<ulong, byte[]?[]> _open = [];

        /// <summary>The whole record once <paramref name="part"/> completed it; null while parts are missing, or for a part that is malformed or disagrees with its siblings on their count.</summary>
        public byte[]? Add(ReadOnlySpan<byte> part)
        {
            if (part.Length <= HeaderSize)
            {
                return null;
            }

            var id = BinaryPrimitives.ReadUInt64BigEndian(part);
            var (index, count) = (BinaryPrimitives.ReadUInt16BigEndian(part[8..]), BinaryPrimitives.ReadUInt16BigEndian(part[10..]));
            if (count is 0 or > MaxParts || index >= count)
            {
                return null;
            }

            if (!_open.TryGetValue(id, out var parts))
            {
                _open[id] = parts = new byte[]?[count];
            }

            if (parts.Length != count)
            {
                return null;
            }

            parts[index] = part[HeaderSize..].ToArray();
            if (parts.Any(p => p is null))
            {
                return null;
            }

            _open.Remove(id);
            byte[] record = [.. parts.SelectMany(p => p!)];
            Array.ForEach(parts, p => CryptographicOperations.ZeroMemory(p));
            return record;
        }
    }
}
