using Courier.Node.Wire;

namespace Courier.Node.Cells;

/// <summary>
/// A cell's description as the vault stores it: the name this member gives it, its layer, the relay
/// its drops live on, and what a listing shows (this member's code name, the members' code names,
/// the epoch, the MLS ciphersuite), so that listing and describing never decrypt a group. Rewritten when the epoch
/// changes. The group's secrets are in other records (<see cref="VaultCellStore"/>); none remain
/// once this member left or was removed (<see cref="IsMember"/> false).
/// </summary>
internal sealed record CellRecord(byte[] Id, string Name, string Layer, string Relay)
{
    public const int MaxNameBytes = 256;
    public const int MaxMembers = 1 << 16;
    public const int MaxCodeNameBytes = 1024;

    /// <summary>Version 3 added the ciphersuite (a version 2 record is of a cell of suite 1, the only one before); version 4 the contact who added this member.</summary>
    private const byte Version = 4;

    public bool IsMember { get; init; }

    public string CodeName { get; init; } = string.Empty;

    public IReadOnlyList<string> Members { get; init; } = [];

    public ulong Epoch { get; init; }

    /// <summary>The MLS ciphersuite of the cell's group (0x0054 for a post-quantum cell).</summary>
    public ushort CipherSuite { get; init; } = 1;

    /// <summary>The id of the contact whose Welcome brought this member in; empty when it created the cell (or joined before this was kept). Asked first to add it back (<see cref="ReAddRequest"/>).</summary>
    public byte[] AddedBy { get; init; } = [];

    public static string LookupName(string name) => name.ToLowerInvariant();

    public byte[] Encode()
    {
        using var writer = new RecordWriter(512 + (Members.Count * 32));
        return writer.U8(Version).Text(Name).Text(Layer).Text(Relay).U8(IsMember ? (byte)1 : (byte)0).Text(CodeName).U64(Epoch)
            .List(Members.Select(System.Text.Encoding.UTF8.GetBytes).ToList()).U16(CipherSuite).Opaque(AddedBy).ToArray();
    }

    /// <exception cref="MalformedRecordException">The plaintext is not a cell record.</exception>
    public static CellRecord Decode(byte[] id, ReadOnlySpan<byte> bytes)
    {
        var reader = new RecordReader(bytes, "cell record");
        var version = reader.U8();
        if (version is not (2 or 3 or Version))
        {
            throw reader.Error("its version is unknown");
        }

        var record = new CellRecord(id, reader.Text(MaxNameBytes), reader.Text(MaxNameBytes), reader.Text(1024))
        {
            IsMember = reader.U8() == 1,
            CodeName = reader.Text(MaxCodeNameBytes),
            Epoch = reader.U64(),
            Members = reader.List(MaxMembers, MaxCodeNameBytes).Select(System.Text.Encoding.UTF8.GetString).ToList(),
        };
        record = record with { CipherSuite = version == 2 ? (ushort)1 : reader.U16() };
        record = record with { AddedBy = version == Version ? reader.Opaque(16) : [] };
        reader.EnsureEnd();
        return record;
    }

    public CellSummary ToSummary() => new(Name, Layer, Relay, IsMember, CodeName, Members, Epoch, CipherSuite);
}
