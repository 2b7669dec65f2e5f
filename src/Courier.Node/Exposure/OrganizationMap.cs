using System.Buffers.Binary;
using Courier.Node.Wire;

namespace Courier.Node.Exposure;

/// <summary>A cell as one member's map shows it.</summary>
/// <param name="Key">The cell's key, the same in every member's map (16 bytes of SHA-256 over a label and the MLS group id, hex).</param>
/// <param name="Name">The cell's name as this member knows it.</param>
/// <param name="Layer">Its layer's name as this member knows it.</param>
/// <param name="Relays">Its layer's relays (layers of several maps are merged by relay).</param>
/// <param name="Own">This member's code name in it.</param>
/// <param name="Members">Every member's code name in it, this member's included.</param>
internal sealed record MapCell(string Key, string Name, string Layer, IReadOnlyList<string> Relays, string Own, IReadOnlyList<string> Members);

/// <summary>A contact as one member's map shows it.</summary>
/// <param name="Key">The relationship's key, the same on both sides (16 bytes of SHA-256 over a label and both pairwise keys in order, hex).</param>
/// <param name="TheirName">The contact's code name.</param>
/// <param name="OurName">The code name the contact knows this member by.</param>
internal sealed record MapContact(string Key, string TheirName, string OurName);

/// <summary>
/// What one member knows of the organization, code names and links only (docs/exposure.md,
/// "Organization maps"): its cells with their layers and members, and its contacts. Sealed to the
/// analyst's public key (<see cref="AnalystKey.Seal"/>): only the analyst can open it, not even the
/// member who wrote it, so a copy left on the member's device adds nothing to what its vault reveals.
/// </summary>
/// <remarks>
/// File: <c>"CMAP" | u8 version = 1 | ephemeral public key[32] | ChaCha20-Poly1305 ciphertext and tag (aad = the first five bytes)</c>;
/// plaintext: <c>u32 length | body | zeros to a multiple of 4 KiB</c>, so the file's size tells only
/// roughly how much the member knows.
/// </remarks>
internal sealed record OrganizationMap(IReadOnlyList<MapCell> Cells, IReadOnlyList<MapContact> Contacts)
{
    private const ushort BodyVersion = 1;
    private const int Padding = 4096;
    private const int MaxItems = 4096;
    private const int MaxText = 1024;
    private static readonly byte[] Header = [(byte)'C', (byte)'M', (byte)'A', (byte)'P', 1];
    private static readonly byte[] Info = "courier organization map v1"u8.ToArray();

    /// <summary>The map sealed to <paramref name="analystKey"/>.</summary>
    /// <exception cref="ArgumentException">The key is not an analyst key, or the map lists more than a map holds (4,096 cells, contacts, relays or members of a cell).</exception>
    public byte[] Seal(byte[] analystKey)
    {
        if (new[] { Cells.Count, Contacts.Count }.Concat(Cells.SelectMany(c => new[] { c.Relays.Count, c.Members.Count })).Any(n => n > MaxItems))
        {
            throw new ArgumentException($"A map lists at most {MaxItems} cells, contacts, relays or members of a cell.");
        }

        var body = Encode();
        var padded = new byte[(body.Length + 4 + Padding - 1) / Padding * Padding];
        BinaryPrimitives.WriteUInt32BigEndian(padded, (uint)body.Length);
        body.CopyTo(padded, 4);
        return [.. Header, .. AnalystKey.Seal(analystKey, Info, Header, padded)];
    }

    /// <exception cref="MapRefusedException">The bytes are not a map sealed to <paramref name="analyst"/>, or were altered.</exception>
    public static OrganizationMap Open(ReadOnlySpan<byte> file, AnalystKey analyst)
    {
        if (file.Length < Header.Length || !file[..Header.Length].SequenceEqual(Header))
        {
            throw new MapRefusedException("The file is not an organization map of this version.");
        }

        var padded = analyst.Open(file[Header.Length..], Info, Header)
            ?? throw new MapRefusedException("The map does not open with this node's analyst key: it was sealed to another key, or altered.");
        try
        {
            var length = padded.Length < 4 ? uint.MaxValue : BinaryPrimitives.ReadUInt32BigEndian(padded);
            if (length > padded.Length - 4)
            {
                throw new MalformedRecordException("organization map", "its length is wrong");
            }

            return Decode(padded.AsSpan(4, (int)length));
        }
        catch (MalformedRecordException e)
        {
            throw new MapRefusedException("The map opens but is malformed.", e);
        }
    }

    internal byte[] Encode()
    {
        using var writer = new RecordWriter(4096);
        writer.U16(BodyVersion).U16((ushort)Cells.Count);
        foreach (var cell in Cells)
        {
            writer.Fixed(Convert.FromHexString(cell.Key)).Text(cell.Name).Text(cell.Layer).U16((ushort)cell.Relays.Count);
            cell.Relays.ToList().ForEach(r => writer.Text(r));
            writer.Text(cell.Own).U16((ushort)cell.Members.Count);
            cell.Members.ToList().ForEach(m => writer.Text(m));
        }

        writer.U16((ushort)Contacts.Count);
        foreach (var contact in Contacts)
        {
            writer.Fixed(Convert.FromHexString(contact.Key)).Text(contact.TheirName).Text(contact.OurName);
        }

        return writer.ToArray();
    }

    /// <exception cref="MalformedRecordException">The bytes are not a map body.</exception>
    internal static OrganizationMap Decode(ReadOnlySpan<byte> body)
    {
        var reader = new RecordReader(body, "organization map");
        if (reader.U16() != BodyVersion)
        {
            throw reader.Error("its version is unknown");
        }

        var cells = new List<MapCell>();
        for (var i = Count(ref reader); i > 0; i--)
        {
            var (key, name, layer) = (Key(ref reader), reader.Text(MaxText), reader.Text(MaxText));
            var relays = new List<string>();
            for (var r = Count(ref reader); r > 0; r--)
            {
                relays.Add(reader.Text(MaxText));
            }

            if (relays.Count == 0)
            {
                throw reader.Error("a cell has no relay");
            }

            var own = reader.Text(MaxText);
            var members = new List<string>();
            for (var m = Count(ref reader); m > 0; m--)
            {
                members.Add(reader.Text(MaxText));
            }

            if (!members.Contains(own))
            {
                throw reader.Error("a cell does not list its own member");
            }

            cells.Add(new MapCell(key, name, layer, relays, own, members));
        }

        var contacts = new List<MapContact>();
        for (var i = Count(ref reader); i > 0; i--)
        {
            contacts.Add(new MapContact(Key(ref reader), reader.Text(MaxText), reader.Text(MaxText)));
        }

        reader.EnsureEnd();
        return new OrganizationMap(cells, contacts);
    }

    private static int Count(ref RecordReader reader)
    {
        var count = reader.U16();
        return count <= MaxItems ? count : throw reader.Error("it lists too many items");
    }

    private static string Key(ref RecordReader reader) => Convert.ToHexStringLower(reader.Fixed(16));
}
