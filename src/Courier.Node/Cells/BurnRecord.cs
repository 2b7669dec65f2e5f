using Courier.Node.Storage;
using Courier.Node.Wire;

namespace Courier.Node.Cells;

/// <summary>
/// A burn notice as this node's vault keeps it, one record per notice received or sent:
/// <c>u8 version = 1 | opaque cell_id | text told_by | i64 at (Unix seconds) | u8 this_cell | list suspects | list renamed</c>.
/// A member of the burned cell still named in <see cref="BurnNotice.Renamed"/> commits a new code name
/// on its next sync (<see cref="CellService.AnswerBurnAsync"/>).
/// </summary>
internal sealed record BurnRecord(byte[] Id, byte[] CellId, string ToldBy, long At, BurnNotice Notice)
{
    public static List<BurnRecord> All(Vault vault) => vault.ReadAll(VaultCollection.BurnNotice, Decode);

    public void Put(VaultTransaction transaction)
    {
        using var writer = new RecordWriter();
        writer.U8(1).Opaque(CellId).Text(ToldBy).I64(At).U8(Notice.ThisCell ? (byte)1 : (byte)0)
            .List([.. Notice.Suspects.Select(System.Text.Encoding.UTF8.GetBytes)])
            .List([.. Notice.Renamed.Select(System.Text.Encoding.UTF8.GetBytes)]);
        transaction.PutWiped(VaultCollection.BurnNotice, Id, writer.ToArray());
    }

    /// <exception cref="MalformedRecordException">The plaintext is not a burn record.</exception>
    private static BurnRecord Decode(byte[] id, ReadOnlySpan<byte> bytes)
    {
        var reader = new RecordReader(bytes, "burn notice");
        if (reader.U8() != 1)
        {
            throw reader.Error("its version is unknown");
        }

        var cellId = reader.Opaque(64);
        var toldBy = reader.Text(CellRecord.MaxCodeNameBytes);
        var at = reader.I64();
        var thisCell = reader.U8() == 1;
        var suspects = Names(ref reader);
        var renamed = Names(ref reader);
        reader.EnsureEnd();
        return new BurnRecord(id, cellId, toldBy, at, new BurnNotice(thisCell, suspects, renamed));
    }

    private static List<string> Names(ref RecordReader reader)
        => reader.List(BurnNotice.MaxNames, CellRecord.MaxCodeNameBytes).Select(System.Text.Encoding.UTF8.GetString).ToList();
}
