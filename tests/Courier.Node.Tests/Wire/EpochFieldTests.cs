using System.Buffers.Binary;
using Courier.Node.Cells;
using Courier.Relay.Client;

namespace Courier.Node.Tests.Wire;

/// <summary>
/// Epochs in vault records are u64 on both sides: every value round-trips, and a record whose epoch
/// bytes have the top bit set decodes instead of throwing OverflowException (found by fuzzing,
/// tools/Courier.Fuzz/crashes/vault-records). Below 2^63 the bytes are those of the earlier i64 field.
/// </summary>
public sealed class EpochFieldTests
{
    [Theory]
    [InlineData(5UL)]
    [InlineData(ulong.MaxValue)]
    [InlineData(1UL << 63)]
    public void Epochs_round_trip_in_every_record_that_holds_one(ulong epoch)
    {
        var cell = new CellRecord([1], "cell", "layer", "https://relay.example:8443") { Epoch = epoch };
        Assert.Equal(epoch, CellRecord.Decode([1], cell.Encode()).Epoch);

        var cursor = new CellCursor(0, new Dictionary<ulong, long> { [epoch] = 9 }, new HashSet<string>());
        Assert.Equal(9, CellCursor.Decode(cursor.Encode()).ClosedAt[epoch]);

        var entry = new OutboxEntry(1, epoch, DropName.FromBytes(new byte[DropName.Size]), MessageId.FromBytes(new byte[MessageId.Size]), [1, 2], null, new byte[EnvelopeSizes.Small]);
        Assert.Equal(epoch, OutboxEntry.Decode(entry.Encode()).Epoch);
    }

    [Fact]
    public void A_small_epoch_is_stored_as_the_same_bytes_as_before()
    {
        var cursor = new CellCursor(0, new Dictionary<ulong, long> { [5] = 9 }, new HashSet<string>());
        var bytes = cursor.Encode();
        // version (1) | position (8) | count (4) | epoch (8) | sequence (8)
        Assert.Equal(5L, BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(13, 8)));
    }
}
