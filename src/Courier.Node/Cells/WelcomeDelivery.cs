using Courier.Node.Wire;

namespace Courier.Node.Cells;

/// <summary>
/// A Welcome on its way to a contact through our pairwise drop with them, kept until the relay
/// acknowledged it (the record id is the append's message id, so a retry stores nothing twice).
/// The body tells the new member the cell's name as we know it, its layer and its relay.
/// </summary>
internal sealed record WelcomeDelivery(byte[] Id, byte[] ContactId, string Cell, string Layer, string Relay, byte[] Welcome)
{
    public byte[] Encode()
    {
        using var writer = new RecordWriter(Welcome.Length + 512);
        return writer.U8(1).Fixed(ContactId).Opaque(Body()).ToArray();
    }

    /// <summary>What the pairwise message carries: <c>cell || layer || relay || welcome</c>.</summary>
    public byte[] Body()
    {
        using var writer = new RecordWriter(Welcome.Length + 512);
        return writer.Text(Cell).Text(Layer).Text(Relay).Opaque(Welcome).ToArray();
    }

    /// <exception cref="MalformedRecordException">The plaintext is not a delivery record.</exception>
    public static WelcomeDelivery Decode(byte[] id, ReadOnlySpan<byte> bytes)
    {
        var reader = new RecordReader(bytes, "welcome delivery record");
        if (reader.U8() != 1)
        {
            throw reader.Error("its version is unknown");
        }

        var contactId = reader.Fixed(Storage.Vault.IdSize).ToArray();
        var delivery = ParseBody(id, contactId, reader.Opaque(EnvelopeFrame.MaxContent));
        reader.EnsureEnd();
        return delivery;
    }

    /// <exception cref="MalformedRecordException">The body is not a Welcome message.</exception>
    public static WelcomeDelivery ParseBody(byte[] id, byte[] contactId, ReadOnlySpan<byte> body)
    {
        var reader = new RecordReader(body, "welcome message");
        var delivery = new WelcomeDelivery(id, contactId, reader.Text(CellRecord.MaxNameBytes), reader.Text(CellRecord.MaxNameBytes), reader.Text(1024), reader.Opaque(EnvelopeFrame.MaxContent));
        reader.EnsureEnd();
        return delivery;
    }
}
