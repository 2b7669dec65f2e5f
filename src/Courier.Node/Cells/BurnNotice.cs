using System.Buffers.Binary;

namespace Courier.Node.Cells;

/// <summary>
/// A burner tells a cell what to stop trusting (docs/cells.md, "Burning a cell"): the suspects' code
/// names and the code names the remaining members used in the burned cell before the burn. Sent in
/// the burned cell (<paramref name="ThisCell"/> true: each member named in <paramref name="Renamed"/>
/// answers with a commit that gives it a new code name and signing key) and in the burner's other
/// cells of the layer (false: their members, the layer's liaisons among them, only record the names).
/// </summary>
/// <param name="ThisCell">Whether the cell it is sent in is the burned one.</param>
/// <param name="Suspects">The code names the burn removed.</param>
/// <param name="Renamed">The code names the remaining members used before the burn, the burner's among them.</param>
internal sealed record BurnNotice(bool ThisCell, IReadOnlyList<string> Suspects, IReadOnlyList<string> Renamed) : CellContent
{
    /// <summary>The content's first byte.</summary>
    public const byte Tag = 7;

    /// <summary>The most names of either list (a cell has at most this many members to name).</summary>
    public const int MaxNames = byte.MaxValue;

    /// <inheritdoc/>
    public override byte[] ToBytes()
    {
        var names = Suspects.Concat(Renamed).Select(System.Text.Encoding.UTF8.GetBytes).ToList();
        var bytes = new byte[4 + names.Sum(n => 2 + n.Length)];
        (bytes[0], bytes[1], bytes[2], bytes[3]) = (Tag, ThisCell ? (byte)1 : (byte)0, checked((byte)Suspects.Count), checked((byte)Renamed.Count));
        var at = 4;
        foreach (var name in names)
        {
            BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(at), checked((ushort)name.Length));
            name.CopyTo(bytes, at + 2);
            at += 2 + name.Length;
        }

        return bytes;
    }

    /// <summary>Null when the bytes are not a burn notice.</summary>
    /// <exception cref="ArgumentException">A name runs past the end (caught by <see cref="CellContent.Parse"/>).</exception>
    internal static BurnNotice? Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 3 || bytes[0] > 1)
        {
            return null;
        }

        var names = new List<string>();
        var rest = bytes[3..];
        while (!rest.IsEmpty)
        {
            var (name, used) = ReadString(rest);
            names.Add(name);
            rest = rest[used..];
        }

        return names.Count == bytes[1] + bytes[2] ? new BurnNotice(bytes[0] == 1, names[..bytes[1]], names[bytes[1]..]) : null;
    }
}
