using Courier.Node.Wire;

namespace Courier.Node.Cells;

/// <summary>A layer as the vault stores it: its name and the relays its cells use, and nothing of any other layer.</summary>
internal sealed record LayerRecord(byte[] Id, string Name, IReadOnlyList<string> Relays)
{
    public const int MaxRelays = 16;

    public static string LookupName(string name) => name.ToLowerInvariant();

    public byte[] Encode()
    {
        using var writer = new RecordWriter();
        return writer.U8(1).Text(Name).List(Relays.Select(System.Text.Encoding.UTF8.GetBytes).ToList()).ToArray();
    }

    /// <exception cref="MalformedRecordException">The plaintext is not a layer record.</exception>
    public static LayerRecord Decode(byte[] id, ReadOnlySpan<byte> bytes)
    {
        var reader = new RecordReader(bytes, "layer record");
        if (reader.U8() != 1)
        {
            throw reader.Error("its version is unknown");
        }

        var name = reader.Text(CellRecord.MaxNameBytes);
        var relays = reader.List(MaxRelays, 1024).Select(System.Text.Encoding.UTF8.GetString).ToList();
        reader.EnsureEnd();
        return new LayerRecord(id, name, relays);
    }

    public Layer ToLayer() => new(Name, Relays);
}
