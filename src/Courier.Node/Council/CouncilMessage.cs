using Courier.Node.Wire;

namespace Courier.Node.Council;

/// <summary>The kinds of <see cref="CouncilMessage"/>, in the order a signing runs.</summary>
internal enum CouncilMessageType : byte
{
    /// <summary>The requester asks for a signature: the payload is the bulletin header (and a new round repeats it).</summary>
    Request = 1,

    /// <summary>A member's round-one commitments (RFC 9591 §5.1), after it stored its nonces.</summary>
    Commitment = 2,

    /// <summary>The requester's signing package (§5.2): the signers chosen and the message.</summary>
    Package = 3,

    /// <summary>A signer's signature share (§5.2), after it deleted its nonces.</summary>
    Share = 4,

    /// <summary>The request is over (signed): members delete nonces they still hold for it.</summary>
    Done = 5,
}

/// <summary>
/// What council members post to the council's cell during a signing (cell content 0x08, sealed like every
/// cell message): <c>u8 type | authority key (32) | request id (16) | u32 round | payload</c>.
/// </summary>
internal sealed record CouncilMessage(CouncilMessageType Type, byte[] Authority, byte[] Request, int Round, byte[] Payload)
{
    public const int RequestIdLength = 16;

    public byte[] Encode()
    {
        using var writer = new RecordWriter(Payload.Length + 64);
        return writer.U8((byte)Type).Fixed(Authority).Fixed(Request).U32((uint)Round).Opaque(Payload).ToArray();
    }

    /// <exception cref="MalformedRecordException">Not a council message.</exception>
    public static CouncilMessage Decode(ReadOnlySpan<byte> bytes)
    {
        var reader = new RecordReader(bytes, "council message");
        var type = reader.U8();
        if (type is < 1 or > 5)
        {
            throw reader.Error("its type is unknown");
        }

        var message = new CouncilMessage((CouncilMessageType)type, reader.Fixed(32).ToArray(), reader.Fixed(RequestIdLength).ToArray(), checked((int)reader.U32()), reader.Opaque(60 * 1024));
        reader.EnsureEnd();
        return message.Round < 1 ? throw reader.Error("its round is 0") : message;
    }
}

/// <summary>A council message as read from a cell, until acted on: <c>u8 1 | cell id (16) | sender | u64 arrival | body</c>.</summary>
internal sealed record ReceivedCouncilMessage(byte[] Id, byte[] CellId, string Sender, ulong Arrival, byte[] Body)
{
    public byte[] Encode()
    {
        using var writer = new RecordWriter(Body.Length + 128);
        return writer.U8(1).Fixed(CellId).Text(Sender).U64(Arrival).Opaque(Body).ToArray();
    }

    /// <exception cref="MalformedRecordException">Not a received council message.</exception>
    public static ReceivedCouncilMessage Decode(byte[] id, ReadOnlySpan<byte> bytes)
    {
        var reader = new RecordReader(bytes, "received council message");
        if (reader.U8() != 1)
        {
            throw reader.Error("its version is unknown");
        }

        var received = new ReceivedCouncilMessage(id, reader.Fixed(Storage.Vault.IdSize).ToArray(), reader.Text(Cells.CellRecord.MaxCodeNameBytes), reader.U64(), reader.Opaque(64 * 1024));
        reader.EnsureEnd();
        return received;
    }
}

/// <summary>
/// This member's round-one nonces for one round of one request (collection <see cref="Storage.VaultCollection.SigningNonce"/>),
/// stored before its commitments leave and deleted before its signature share does:
/// <c>u8 1 | authority key (32) | request id (16) | u32 round | SHA-256 of the message (32) | requester's code name | nonces (secret)</c>.
/// Only the requester's package is signed with them.
/// </summary>
internal sealed record StoredNonce(byte[] Id, byte[] Authority, byte[] Request, int Round, byte[] MessageHash, string Requester, byte[] Nonces)
{
    public byte[] Encode()
    {
        using var writer = new RecordWriter(Nonces.Length + 256);
        return writer.U8(1).Fixed(Authority).Fixed(Request).U32((uint)Round).Fixed(MessageHash).Text(Requester).Opaque(Nonces).ToArray();
    }

    /// <exception cref="MalformedRecordException">Not stored nonces.</exception>
    public static StoredNonce Decode(byte[] id, ReadOnlySpan<byte> bytes)
    {
        var reader = new RecordReader(bytes, "stored signing nonce");
        if (reader.U8() != 1)
        {
            throw reader.Error("its version is unknown");
        }

        var stored = new StoredNonce(id, reader.Fixed(32).ToArray(), reader.Fixed(CouncilMessage.RequestIdLength).ToArray(), checked((int)reader.U32()), reader.Fixed(32).ToArray(), reader.Text(Cells.CellRecord.MaxCodeNameBytes), reader.Opaque(1024));
        reader.EnsureEnd();
        return stored;
    }

    public bool Of(byte[] authority, byte[] request) => Authority.AsSpan().SequenceEqual(authority) && Request.AsSpan().SequenceEqual(request);
}
