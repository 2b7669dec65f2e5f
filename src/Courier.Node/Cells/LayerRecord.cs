using Courier.Node.Wire;

namespace Courier.Node.Cells;

/// <summary>
/// A layer as the vault stores it: its name, the relays its cells use and whether its cells must be
/// post-quantum, and nothing of any other layer. Version 2 added the last; a version 1 record reads
/// as a layer that does not require it. Version 3 added each relay's pinned mix identity key
/// (<see cref="MixPins"/>, docs/mixnet.md); a record before it reads as pinning none.
/// </summary>
internal sealed record LayerRecord(byte[] Id, string Name, IReadOnlyList<string> Relays, bool RequirePostQuantum = false)
{
    public const int MaxRelays = 16;

    /// <summary>An Ed25519 public key, as a relay's mix descriptor names it.</summary>
    public const int MixPinLength = 32;

    /// <summary>
    /// Per relay, in the order of <see cref="Relays"/>: the raw Ed25519 identity key its mix
    /// descriptor must be signed with, or an empty array when none is pinned.
    /// </summary>
    public IReadOnlyList<byte[]> MixPins { get; init; } = [.. Relays.Select(_ => Array.Empty<byte>())];

    public static string LookupName(string name) => name.ToLowerInvariant();

    public byte[] Encode()
    {
        using var writer = new RecordWriter();
        if (MixPins.Count != Relays.Count || MixPins.Any(p => p.Length is not (0 or MixPinLength)))
        {
            throw new InvalidOperationException("A layer pins one mix identity key, or none, per relay.");
        }

        return writer.U8(3).Text(Name).List(Relays.Select(System.Text.Encoding.UTF8.GetBytes).ToList()).U8(RequirePostQuantum ? (byte)1 : (byte)0)
            .List([.. MixPins]).ToArray();
    }

    /// <exception cref="MalformedRecordException">The plaintext is not a layer record.</exception>
    public static LayerRecord Decode(byte[] id, ReadOnlySpan<byte> bytes)
    {
        var reader = new RecordReader(bytes, "layer record");
        var version = reader.U8();
        if (version is not (1 or 2 or 3))
        {
            throw reader.Error("its version is unknown");
        }

        var name = reader.Text(CellRecord.MaxNameBytes);
        var relays = reader.List(MaxRelays, 1024).Select(System.Text.Encoding.UTF8.GetString).ToList();
        var requirePostQuantum = version >= 2 && reader.U8() switch
        {
            0 => false,
            1 => true,
            _ => throw reader.Error("its post-quantum requirement is unknown"),
        };
        var record = new LayerRecord(id, name, relays, requirePostQuantum);
        if (version >= 3)
        {
            var pins = reader.List(MaxRelays, MixPinLength);
            if (pins.Count != relays.Count || pins.Any(p => p.Length is not (0 or MixPinLength)))
            {
                throw reader.Error("its mix identity pins do not match its relays");
            }

            record = record with { MixPins = pins };
        }

        reader.EnsureEnd();
        return record;
    }

    public Layer ToLayer() => new(Name, Relays, RequirePostQuantum);
}
