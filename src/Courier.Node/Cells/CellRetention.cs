using Courier.Node.Storage;
using Courier.Node.Wire;

namespace Courier.Node.Cells;

/// <summary>
/// A cell's retention as this member's vault keeps it (docs/panic.md, "Disappearing messages"): the
/// latest <see cref="RetentionSetting"/> any member sent, and who sent it. One record per cell,
/// <c>u8 version = 1 | u64 seconds | i64 set_at | set_by</c>.
/// </summary>
internal sealed record CellRetention(ulong Seconds, long SetAt, string SetBy)
{
    /// <summary>The longest retention a member may set: 100 years.</summary>
    public const ulong MaxSeconds = 100UL * 365 * 24 * 3600;

    /// <summary>True when this setting wins over <paramref name="other"/>: set later, or at the same moment by a code name that sorts later.</summary>
    public bool Supersedes(CellRetention? other)
        => other is null || SetAt > other.SetAt || (SetAt == other.SetAt && string.CompareOrdinal(SetBy, other.SetBy) > 0);

    public static CellRetention? Read(Vault vault, byte[] cellId) => vault.Read(VaultCollection.CellRetention, IdOf(vault, cellId), Decode);

    public void Put(VaultTransaction transaction, Vault vault, byte[] cellId)
    {
        using var writer = new RecordWriter();
        transaction.PutWiped(VaultCollection.CellRetention, IdOf(vault, cellId), writer.U8(1).U64(Seconds).I64(SetAt).Text(SetBy).ToArray());
    }

    /// <summary>The record's id: a keyed tag of the cell's id, as for the cell's other records.</summary>
    private static byte[] IdOf(Vault vault, byte[] cellId) => vault.IdOf(VaultCollection.CellRetention, cellId, "retention"u8);

    /// <exception cref="MalformedRecordException">The plaintext is not a retention record.</exception>
    private static CellRetention Decode(byte[] id, ReadOnlySpan<byte> bytes)
    {
        var reader = new RecordReader(bytes, "cell retention");
        if (reader.U8() != 1)
        {
            throw reader.Error("its version is unknown");
        }

        var retention = new CellRetention(reader.U64(), reader.I64(), reader.Text(CellRecord.MaxCodeNameBytes));
        reader.EnsureEnd();
        return retention;
    }
}
