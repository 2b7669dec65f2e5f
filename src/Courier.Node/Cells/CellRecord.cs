using System.Security.Cryptography;
using Courier.Node.Wire;

namespace Courier.Node.Cells;

/// <summary>
/// A cell as the vault stores it: the name this member gives it, its layer, the relay its drops live
/// on, and the whole <see cref="Cell"/> state (null once this member left or was removed: the secrets
/// are gone, the received messages stay in the inbox). Holds secrets: dispose it.
/// </summary>
internal sealed class CellRecord : IDisposable
{
    public const int MaxNameBytes = 256;

    public required byte[] Id { get; init; }

    public required string Name { get; init; }

    public required string Layer { get; init; }

    public required string Relay { get; init; }

    public byte[]? State { get; set; }

    /// <summary>How many messages the cell has stored in the inbox: the next one's <see cref="InboxRecord.Arrival"/>.</summary>
    public long Arrivals { get; set; }

    public static string LookupName(string name) => name.ToLowerInvariant();

    public byte[] Encode()
    {
        using var writer = new RecordWriter((State?.Length ?? 0) + 512);
        writer.U8(1).Text(Name).Text(Layer).Text(Relay).I64(Arrivals).U8(State is null ? (byte)0 : (byte)1);
        if (State is not null)
        {
            writer.Opaque(State);
        }

        return writer.ToArray();
    }

    /// <exception cref="MalformedRecordException">The plaintext is not a cell record.</exception>
    public static CellRecord Decode(byte[] id, ReadOnlySpan<byte> bytes)
    {
        var reader = new RecordReader(bytes, "cell record");
        if (reader.U8() != 1)
        {
            throw reader.Error("its version is unknown");
        }

        var record = new CellRecord
        {
            Id = id,
            Name = reader.Text(MaxNameBytes),
            Layer = reader.Text(MaxNameBytes),
            Relay = reader.Text(1024),
            Arrivals = reader.I64(),
            State = reader.U8() == 1 ? reader.Opaque(int.MaxValue) : null,
        };
        reader.EnsureEnd();
        return record;
    }

    public void Dispose()
    {
        if (State is not null)
        {
            CryptographicOperations.ZeroMemory(State);
        }
    }
}
