using System.Security.Cryptography;
using Courier.Mls.Group;
using Courier.Node.Wire;
using Courier.Relay.Client;

namespace Courier.Node.Cells;

/// <summary>
/// This member's external commit in flight (docs/cells.md, "Rejoining"), stored in the vault before
/// it leaves: the seeds of the drop it goes to, its relay message id, the sealed envelope and the
/// commit as appended, and the whole state of the group it starts. After a crash the node appends the
/// same envelope with the same id again (the relay stores it once) and reads the drop: if the commit
/// came first, this group replaces the old one; if not, it is dropped and the member rejoins from a
/// newer record. Encoded <c>version(1) || seeds(4 × 32) || id(16) || envelope || commit || epoch
/// state || records</c> (each variable field with its length).
/// </summary>
internal sealed class PendingRejoin : IDisposable
{
    private const byte Version = 1;

    /// <summary>A bound on each encoded field, far above any group of <see cref="CellRecord.MaxMembers"/>.</summary>
    private const int MaxField = 256 << 20;

    private const int MaxRecords = 1 << 20;

    private PendingRejoin(DropSeeds drop, MessageId id, byte[] envelope, byte[] commit, byte[] state, List<KeyValuePair<byte[], byte[]>> records)
    {
        (Drop, Id, Envelope, Commit, State, Records) = (drop, id, envelope, commit, state, records);
    }

    /// <summary>The seeds of the epoch's drop the commit goes to.</summary>
    public DropSeeds Drop { get; }

    public MessageId Id { get; }

    public byte[] Envelope { get; }

    public byte[] Commit { get; }

    /// <summary>The new group's epoch state, as <see cref="MlsGroup.Restore"/> takes it.</summary>
    public byte[] State { get; }

    /// <summary>The new group's records (key, value).</summary>
    public IReadOnlyList<KeyValuePair<byte[], byte[]>> Records { get; }

    /// <summary>The rejoin about to be tried: <paramref name="group"/>'s whole state (taken from it, so its next changes are what follows).</summary>
    public static PendingRejoin Start(DropSeeds drop, byte[] envelope, byte[] commit, MlsGroup group)
    {
        using var changes = group.TakeChanges();
        var records = changes.Records.Select(r => new KeyValuePair<byte[], byte[]>(r.Key.ToArray(), r.Value.Export())).ToList();
        return new PendingRejoin(drop, MessageId.NewRandom(), envelope, commit, changes.EpochState?.Export() ?? throw new InvalidOperationException("A new group has an epoch state."), records);
    }

    /// <summary>The group it starts, restored from its state.</summary>
    /// <exception cref="Courier.Mls.Codec.DecodeException">The stored state is damaged.</exception>
    public MlsGroup Restore(TimeProvider time) => MlsGroup.Restore(State, Records, Courier.Mls.Crypto.SystemRandom.Instance, time);

    public byte[] Encode()
    {
        using var writer = new RecordWriter(State.Length + Envelope.Length + Commit.Length + Records.Sum(r => r.Key.Length + r.Value.Length + 8) + 256);
        writer.U8(Version).Fixed(Drop.Name).Fixed(Drop.ReadSeed).Fixed(Drop.AppendSeed).Fixed(Drop.EnvelopeSeed).Fixed(Id.Bytes)
            .Opaque(Envelope).Opaque(Commit).Opaque(State).U32((uint)Records.Count);
        foreach (var (key, value) in Records)
        {
            writer.Opaque(key).Opaque(value);
        }

        return writer.ToArray();
    }

    /// <exception cref="MalformedRecordException">The plaintext is not a pending rejoin.</exception>
    public static PendingRejoin Decode(ReadOnlySpan<byte> bytes)
    {
        var reader = new RecordReader(bytes, "pending rejoin");
        if (reader.U8() != Version)
        {
            throw reader.Error("its version is unknown");
        }

        var seeds = new DropSeeds(reader.Fixed(DropSeeds.Size).ToArray(), reader.Fixed(DropSeeds.Size).ToArray(), reader.Fixed(DropSeeds.Size).ToArray(), reader.Fixed(DropSeeds.Size).ToArray());
        var id = MessageId.FromBytes(reader.Fixed(MessageId.Size));
        var (envelope, commit, state) = (reader.Opaque(EnvelopeSizes.Max), reader.Opaque(MaxField), reader.Opaque(MaxField));
        var count = reader.U32();
        if (count > MaxRecords)
        {
            throw reader.Error("it holds too many records");
        }

        var records = new List<KeyValuePair<byte[], byte[]>>((int)count);
        for (; count > 0; count--)
        {
            records.Add(new(reader.Opaque(byte.MaxValue), reader.Opaque(MaxField)));
        }

        reader.EnsureEnd();
        return new PendingRejoin(seeds, id, envelope, commit, state, records);
    }

    /// <summary>A copy of <see cref="Drop"/> that <see cref="CellDrop.FromSeeds"/> may wipe.</summary>
    public DropSeeds CopyOfDrop() => new((byte[])Drop.Name.Clone(), (byte[])Drop.ReadSeed.Clone(), (byte[])Drop.AppendSeed.Clone(), (byte[])Drop.EnvelopeSeed.Clone());

    public void Dispose()
    {
        Drop.Dispose();
        CryptographicOperations.ZeroMemory(State);
        foreach (var record in Records)
        {
            CryptographicOperations.ZeroMemory(record.Value);
        }
    }
}
