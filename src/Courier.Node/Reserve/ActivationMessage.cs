using Courier.Node.Wire;

namespace Courier.Node.Reserve;

/// <summary>
/// What an activating member posts to the reserve cell (cell content 0x06): its share with a fresh
/// KeyPackage for the new cell (<c>u8 1 | reserve id (16) | share | key package</c>), or, from the
/// member that re-established the layer, the new cell's Welcome (<c>u8 2 | reserve id (16) | welcome | cell name | relay</c>).
/// A share posted to the reserve cell is read by every member of it: activation is when the reserve takes over.
/// </summary>
internal sealed record ActivationMessage(byte Kind, byte[] ReserveId, byte[] Payload, byte[] Extra, string CellName = "", string Relay = "")
{
    public const byte ShareKind = 1;
    public const byte WelcomeKind = 2;

    public byte[] Encode()
    {
        using var writer = new RecordWriter(Payload.Length + Extra.Length + 256);
        writer.U8(Kind).Fixed(ReserveId).Opaque(Payload);
        return (Kind == ShareKind ? writer.Opaque(Extra) : writer.Text(CellName).Text(Relay)).ToArray();
    }

    /// <exception cref="MalformedRecordException">Not an activation message.</exception>
    public static ActivationMessage Decode(ReadOnlySpan<byte> bytes)
    {
        var reader = new RecordReader(bytes, "reserve activation");
        var kind = reader.U8();
        var (id, payload) = (reader.Fixed(ReserveShareMessage.IdLength).ToArray(), reader.Opaque(64 * 1024));
        var message = kind switch
        {
            ShareKind => new ActivationMessage(kind, id, payload, reader.Opaque(16 * 1024)),
            WelcomeKind => new ActivationMessage(kind, id, payload, [], reader.Text(Cells.CellRecord.MaxNameBytes), reader.Text(1024)),
            _ => throw reader.Error("its kind is unknown"),
        };
        reader.EnsureEnd();
        return message;
    }
}

/// <summary>An activation message as read from a reserve cell: <c>u8 1 | cell id (16) | sender | body</c>.</summary>
internal sealed record ReceivedActivation(byte[] Id, byte[] CellId, string Sender, byte[] Body)
{
    public byte[] Encode()
    {
        using var writer = new RecordWriter(Body.Length + 128);
        return writer.U8(1).Fixed(CellId).Text(Sender).Opaque(Body).ToArray();
    }

    /// <exception cref="MalformedRecordException">Not a received activation.</exception>
    public static ReceivedActivation Decode(byte[] id, ReadOnlySpan<byte> bytes)
    {
        var reader = new RecordReader(bytes, "received reserve activation");
        if (reader.U8() != 1)
        {
            throw reader.Error("its version is unknown");
        }

        var received = new ReceivedActivation(id, reader.Fixed(Storage.Vault.IdSize).ToArray(), reader.Text(Cells.CellRecord.MaxCodeNameBytes), reader.Opaque(128 * 1024));
        reader.EnsureEnd();
        return received;
    }
}

/// <summary>This member's activation of a reserve: <c>u8 1 | reserve id (16) | key package bundle (private keys) | cell made or joined (empty: none yet)</c>.</summary>
internal sealed record ActivationState(byte[] Id, byte[] ReserveId, byte[] Bundle, string Cell)
{
    public byte[] Encode()
    {
        using var writer = new RecordWriter(Bundle.Length + 128);
        return writer.U8(1).Fixed(ReserveId).Opaque(Bundle).Text(Cell).ToArray();
    }

    /// <exception cref="MalformedRecordException">Not an activation state.</exception>
    public static ActivationState Decode(byte[] id, ReadOnlySpan<byte> bytes)
    {
        var reader = new RecordReader(bytes, "reserve activation state");
        if (reader.U8() != 1)
        {
            throw reader.Error("its version is unknown");
        }

        var state = new ActivationState(id, reader.Fixed(ReserveShareMessage.IdLength).ToArray(), reader.Opaque(64 * 1024), reader.Text(Cells.CellRecord.MaxNameBytes));
        reader.EnsureEnd();
        return state;
    }
}
