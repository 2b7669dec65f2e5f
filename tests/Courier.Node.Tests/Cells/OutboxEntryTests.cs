using System.Security.Cryptography;
using Courier.Node.Cells;
using Courier.Node.Wire;
using Courier.Relay.Client;

namespace Courier.Node.Tests.Cells;

/// <summary>An outbox entry keeps its drop's append key seed and its refusal mark (record version 4) and when it was queued (version 5), and reads versions 3 and 4.</summary>
public sealed class OutboxEntryTests
{
    [Fact]
    public void The_append_seed_and_the_refusal_mark_survive_the_vault_and_a_version_3_entry_reads_without_them()
    {
        var seed = RandomNumberGenerator.GetBytes(DropAppendKey.Size);
        var entry = new OutboxEntry(3, 7, DropName.NewRandom(), MessageId.NewRandom(), [1, 2, 3], null, RandomNumberGenerator.GetBytes(EnvelopeSizes.Small))
        {
            AppendSeed = seed,
            Refused = true,
            QueuedAt = 1_800_000_000,
        };
        var decoded = OutboxEntry.Decode(entry.Encode());
        Assert.Equal(seed, decoded.AppendSeed);
        Assert.True(decoded.Refused);
        Assert.Equal(1_800_000_000, decoded.QueuedAt);
        Assert.Equal(entry.Envelope, decoded.Envelope);

        // Version 4 had no time: the same record without its last 8 bytes.
        var version4 = entry.Encode()[..^8];
        version4[0] = 4;
        var untimed = OutboxEntry.Decode(version4);
        Assert.Equal(seed, untimed.AppendSeed);
        Assert.Equal((true, 0L), (untimed.Refused, untimed.QueuedAt));

        // Version 3 had none of them: the same record without its last 4 + 32 + 1 + 8 bytes.
        var version3 = entry.Encode()[..^(4 + DropAppendKey.Size + 1 + 8)];
        version3[0] = 3;
        var old = OutboxEntry.Decode(version3);
        Assert.Empty(old.AppendSeed);
        Assert.False(old.Refused);
        Assert.Equal(entry.Envelope, old.Envelope);

        var badMark = entry.Encode();
        badMark[^9] = 2;
        Assert.Throws<MalformedRecordException>(() => OutboxEntry.Decode(badMark));
        var shortSeed = new OutboxEntry(0, 0, DropName.NewRandom(), MessageId.NewRandom(), [1], null, new byte[EnvelopeSizes.Small]) { AppendSeed = [1, 2, 3] }.Encode();
        Assert.Throws<MalformedRecordException>(() => OutboxEntry.Decode(shortSeed));
    }
}
