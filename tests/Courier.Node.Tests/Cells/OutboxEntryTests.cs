using System.Security.Cryptography;
using Courier.Node.Cells;
using Courier.Node.Wire;
using Courier.Relay.Client;

namespace Courier.Node.Tests.Cells;

/// <summary>An outbox entry keeps its drop's append key seed and its refusal mark (record version 4), and reads version 3.</summary>
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
        };
        var decoded = OutboxEntry.Decode(entry.Encode());
        Assert.Equal(seed, decoded.AppendSeed);
        Assert.True(decoded.Refused);
        Assert.Equal(entry.Envelope, decoded.Envelope);

        // Version 3 had neither field: the same record without its last 4 + 32 + 1 bytes.
        var version3 = entry.Encode()[..^(4 + DropAppendKey.Size + 1)];
        version3[0] = 3;
        var old = OutboxEntry.Decode(version3);
        Assert.Empty(old.AppendSeed);
        Assert.False(old.Refused);
        Assert.Equal(entry.Envelope, old.Envelope);

        var badMark = entry.Encode();
        badMark[^1] = 2;
        Assert.Throws<MalformedRecordException>(() => OutboxEntry.Decode(badMark));
        var shortSeed = new OutboxEntry(0, 0, DropName.NewRandom(), MessageId.NewRandom(), [1], null, new byte[EnvelopeSizes.Small]) { AppendSeed = [1, 2, 3] }.Encode();
        Assert.Throws<MalformedRecordException>(() => OutboxEntry.Decode(shortSeed));
    }
}
