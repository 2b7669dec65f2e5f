using Courier.Node.Wire;

namespace Courier.Node.Council;

/// <summary>
/// A signing this node coordinates (collection <see cref="Storage.VaultCollection.SigningRequest"/>):
/// <c>u8 1 | request id (16) | authority key (32) | cell id (16) | u32 round | u8 status | header | content record id (16)
/// | commitments (sender, commitments)* | package (empty until posted) | shares (sender, share)* | excluded code names | bulletin id | i64 created</c>.
/// The content is in a record of its own (<see cref="Storage.VaultCollection.SigningContent"/>), written once.
/// </summary>
internal sealed record SigningState(
    byte[] Id, byte[] Request, byte[] Authority, byte[] CellId, int Round, SigningStatus Status, byte[] Header, byte[] ContentId,
    IReadOnlyList<(string Sender, byte[] Data)> Commitments, byte[] Package, IReadOnlyList<(string Sender, byte[] Data)> Shares,
    IReadOnlyList<string> Excluded, string BulletinId, long CreatedAt)
{
    public byte[] Encode()
    {
        using var writer = new RecordWriter(Header.Length + Package.Length + 2048);
        writer.U8(1).Fixed(Request).Fixed(Authority).Fixed(CellId).U32((uint)Round).U8((byte)Status).Opaque(Header).Fixed(ContentId);
        writer.List(Pairs(Commitments)).Opaque(Package).List(Pairs(Shares));
        return writer.List([.. Excluded.Select(System.Text.Encoding.UTF8.GetBytes)]).Text(BulletinId).I64(CreatedAt).ToArray();
    }

    /// <exception cref="MalformedRecordException">Not a signing state.</exception>
    public static SigningState Decode(byte[] id, ReadOnlySpan<byte> bytes)
    {
        var reader = new RecordReader(bytes, "signing state");
        if (reader.U8() != 1)
        {
            throw reader.Error("its version is unknown");
        }

        var state = new SigningState(id, reader.Fixed(CouncilMessage.RequestIdLength).ToArray(), reader.Fixed(32).ToArray(), reader.Fixed(Storage.Vault.IdSize).ToArray(),
            checked((int)reader.U32()), (SigningStatus)reader.U8(), reader.Opaque(Bulletins.BulletinHeader.MaxEncodedSize), reader.Fixed(Storage.Vault.IdSize).ToArray(),
            Unpairs(reader.List(1024, 2048)), reader.Opaque(64 * 1024), Unpairs(reader.List(1024, 2048)),
            [.. reader.List(1024, Cells.CellRecord.MaxCodeNameBytes).Select(System.Text.Encoding.UTF8.GetString)], reader.Text(64), reader.I64());
        reader.EnsureEnd();
        return state;
    }

    private static List<byte[]> Pairs(IReadOnlyList<(string Sender, byte[] Data)> pairs) => [.. pairs.Select(p =>
    {
        using var writer = new RecordWriter(p.Data.Length + 64);
        return writer.Text(p.Sender).Opaque(p.Data).ToArray();
    })];

    private static List<(string, byte[])> Unpairs(List<byte[]> encoded) => [.. encoded.Select(e =>
    {
        var reader = new RecordReader(e, "signing state entry");
        var pair = (reader.Text(Cells.CellRecord.MaxCodeNameBytes), reader.Opaque(1024));
        reader.EnsureEnd();
        return pair;
    })];
}
