using Courier.Node.Wire;

namespace Courier.Node.Cells;

/// <summary>
/// A layer as the vault stores it: its name, the relays its cells use and whether its cells must be
/// post-quantum, and nothing of any other layer. Version 2 added the last; a version 1 record reads
/// as a layer that does not require it.
/// </summary>
internal sealed record LayerRecord(byte[] Id, string Name, IReadOnlyList<string> Relays, bool RequirePostQuantum = false)
{
    public const int MaxRelays = 16;

    public static string LookupName(string name) => name.ToLowerInvariant();

    public byte[] Encode()
    {
        using var writer = new RecordWriter();
        return writer.U8(2).Text(Name).List(Relays.Select(System.Text.Encoding.UTF8.GetBytes).ToList()).U8(RequirePostQuantum ? (byte)1 : (byte)0).ToArray();
    }

    /// <exception cref="MalformedRecordException">The plaintext is not a layer record.</exception>
    public static LayerRecord Decode(byte[] id, ReadOnlySpan<byte> bytes)
    {
        var reader = new RecordReader(bytes, "layer record");
        var version = reader.U8();
        if (version is not (1 or 2))
        {
            throw reader.Error("its version is unknown");
        }

        var name = reader.Text(CellRecord.MaxNameBytes);
        var relays = reader.List(MaxRelays, 1024).Select(System.Text.Encoding.UTF8.GetString).ToList();
        var requirePostQuantum = version == 2 && reader.U8() switch
        {
            0 => false,
            1 => true,
            _ => throw reader.Error("its post-quantum requirement is unknown"),
        };
        reader.EnsureEnd();
        return new LayerRecord(id, name, relays, requirePostQuantum);
    }

    public Layer ToLayer() => new(Name, Relays, RequirePostQuantum);
}
