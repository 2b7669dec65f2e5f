using System.Buffers.Binary;
using System.Text;

namespace Courier.Node.Cells;

/// <summary>
/// What members write to a cell, inside the MLS application data:
/// <c>text: 0x01 || utf8</c>, <c>file chunk: 0x02 || u16 name length || name || u32 index || u32 count || data</c>,
/// <c>forwarded: 0x03 || u16 origin length || origin || inner content</c> (a liaison's explicit act),
/// <c>leave notice: 0x04</c> (the sender leaves; the others remove it),
/// <c>retention: 0x05 || u64 seconds || i64 set_at (Unix milliseconds)</c> (the cell's disappearing messages; 0 is off),
/// <c>reserve activation: 0x06 || body</c> (a member's share or the new cell's Welcome, in a reserve cell: <see cref="Reserve.ActivationMessage"/>),
/// <c>burn notice: 0x07 || u8 this_cell || u8 suspects || u8 renamed || (u16 length || utf8)*</c> (docs/cells.md, "Burning a cell"),
/// <c>council: 0x08 || body</c> (a step of a FROST signing in an authority's council cell: <see cref="Council.CouncilMessage"/>).
/// </summary>
public abstract record CellContent
{
    /// <summary>Encodes the content.</summary>
    public abstract byte[] ToBytes();

    /// <summary>Decodes content; null when the bytes are not valid content.</summary>
    public static CellContent? Parse(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return bytes.IsEmpty ? null : bytes[0] switch
            {
                1 => new TextContent(new UTF8Encoding(false, true).GetString(bytes[1..])),
                2 => FileChunk.Decode(bytes[1..]),
                3 => Forwarded.Decode(bytes[1..]),
                4 when bytes.Length == 1 => new LeaveNotice(),
                5 when bytes.Length == 17 => RetentionSetting.Decode(bytes[1..]),
                BurnNotice.Tag => BurnNotice.Decode(bytes[1..]),
                6 when bytes.Length > 1 => new ReserveActivationContent(bytes[1..].ToArray()),
                8 when bytes.Length > 1 => new CouncilContent(bytes[1..].ToArray()),
                _ => null,
            };
        }
        catch (Exception e) when (e is ArgumentException or DecoderFallbackException)
        {
            return null;
        }
    }

    internal static (string Value, int Length) ReadString(ReadOnlySpan<byte> bytes)
    {
        var length = BinaryPrimitives.ReadUInt16BigEndian(bytes);
        return (new UTF8Encoding(false, true).GetString(bytes.Slice(2, length)), 2 + length);
    }

    internal static byte[] WithString(byte tag, string value, ReadOnlySpan<byte> rest)
    {
        var text = Encoding.UTF8.GetBytes(value);
        var bytes = new byte[3 + text.Length + rest.Length];
        bytes[0] = tag;
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(1), checked((ushort)text.Length));
        text.CopyTo(bytes, 3);
        rest.CopyTo(bytes.AsSpan(3 + text.Length));
        return bytes;
    }
}

/// <summary>A text message.</summary>
/// <param name="Text">The text.</param>
public sealed record TextContent(string Text) : CellContent
{
    /// <inheritdoc/>
    public override byte[] ToBytes() => [1, .. Encoding.UTF8.GetBytes(Text)];
}

/// <summary>One chunk of a file sent to a cell.</summary>
/// <param name="Name">The file's name.</param>
/// <param name="Index">The chunk's index, from 0.</param>
/// <param name="Count">How many chunks the file has.</param>
/// <param name="Data">The chunk's bytes.</param>
public sealed record FileChunk(string Name, uint Index, uint Count, byte[] Data) : CellContent
{
    /// <summary>Where the sender read it from, so its outbox keeps a reference instead of a copy.</summary>
    internal FileChunkSource? Source { get; init; }

    /// <inheritdoc/>
    public override byte[] ToBytes()
    {
        var rest = new byte[8 + Data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(rest, Index);
        BinaryPrimitives.WriteUInt32BigEndian(rest.AsSpan(4), Count);
        Data.CopyTo(rest, 8);
        return WithString(2, Name, rest);
    }

    internal static FileChunk? Decode(ReadOnlySpan<byte> bytes)
    {
        var (name, used) = ReadString(bytes);
        var rest = bytes[used..];
        var index = BinaryPrimitives.ReadUInt32BigEndian(rest);
        var count = BinaryPrimitives.ReadUInt32BigEndian(rest[4..]);
        return index < count ? new FileChunk(name, index, count, rest[8..].ToArray()) : null;
    }
}

/// <summary>Content a liaison carried over from a cell of another layer.</summary>
/// <param name="Origin">The cell it came from, as the liaison names it.</param>
/// <param name="Inner">The content.</param>
public sealed record Forwarded(string Origin, CellContent Inner) : CellContent
{
    /// <inheritdoc/>
    public override byte[] ToBytes() => WithString(3, Origin, Inner.ToBytes());

    internal static Forwarded? Decode(ReadOnlySpan<byte> bytes)
    {
        var (origin, used) = ReadString(bytes);
        return Parse(bytes[used..]) is { } inner and not (Forwarded or LeaveNotice or RetentionSetting or BurnNotice) ? new Forwarded(origin, inner) : null;
    }
}

/// <summary>The sender leaves the cell: any other member removes it with its next commit.</summary>
public sealed record LeaveNotice : CellContent
{
    /// <inheritdoc/>
    public override byte[] ToBytes() => [4];
}

/// <summary>
/// A member sets how long the cell's messages are kept (docs/panic.md, "Disappearing messages"): every
/// member deletes what it received longer ago than <see cref="Seconds"/>; 0 keeps them. Of two
/// settings the later <see cref="SetAt"/> wins, whatever order they arrive in.
/// </summary>
/// <param name="Seconds">How long a received message is kept, in seconds; 0 for as long as the member likes.</param>
/// <param name="SetAt">When it was set, in Unix milliseconds of the setter's clock.</param>
internal sealed record RetentionSetting(ulong Seconds, long SetAt) : CellContent
{
    /// <inheritdoc/>
    public override byte[] ToBytes()
    {
        var bytes = new byte[17];
        bytes[0] = 5;
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(1), Seconds);
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(9), SetAt);
        return bytes;
    }

    internal static RetentionSetting? Decode(ReadOnlySpan<byte> bytes)
    {
        var seconds = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        return seconds <= CellRetention.MaxSeconds ? new RetentionSetting(seconds, BinaryPrimitives.ReadInt64BigEndian(bytes[8..])) : null;
    }
}

/// <summary>A reserve member's activation message in the reserve cell (docs/exposure.md, "The reserve cell"); kept apart from the inbox.</summary>
/// <param name="Body">The <see cref="Reserve.ActivationMessage"/>, encoded.</param>
internal sealed record ReserveActivationContent(byte[] Body) : CellContent
{
    /// <inheritdoc/>
    public override byte[] ToBytes() => [6, .. Body];
}

/// <summary>A step of a council's signing (docs/bulletins.md, "The signing protocol"); kept apart from the inbox.</summary>
/// <param name="Body">The <see cref="Council.CouncilMessage"/>, encoded.</param>
internal sealed record CouncilContent(byte[] Body) : CellContent
{
    /// <inheritdoc/>
    public override byte[] ToBytes() => [8, .. Body];
}
