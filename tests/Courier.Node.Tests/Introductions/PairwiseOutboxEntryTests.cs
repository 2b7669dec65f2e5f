using System.Security.Cryptography;
using Courier.Node.Introductions;
using Courier.Node.Wire;
using Courier.Relay.Client;

namespace Courier.Node.Tests.Introductions;

/// <summary>The pairwise outbox record (version 1) reads back what was written, and anything else is a typed error.</summary>
public sealed class PairwiseOutboxEntryTests
{
    [Fact]
    public void An_entry_reads_back_whole_and_an_unknown_version_or_a_truncated_one_is_refused()
    {
        var entry = new PairwiseOutboxEntry(RandomNumberGenerator.GetBytes(16), RandomNumberGenerator.GetBytes(16), 42, 1_800_000_000, PairwiseMessageType.Introduction, RandomNumberGenerator.GetBytes(EnvelopeSizes.Small));
        var encoded = entry.Encode();
        var decoded = PairwiseOutboxEntry.Decode(entry.Id, encoded);
        Assert.Equal((entry.Sequence, entry.QueuedAt, entry.Type), (decoded.Sequence, decoded.QueuedAt, decoded.Type));
        Assert.Equal(entry.ContactId, decoded.ContactId);
        Assert.Equal(entry.Envelope, decoded.Envelope);

        var newer = (byte[])encoded.Clone();
        newer[0] = 2;
        Assert.Throws<MalformedRecordException>(() => PairwiseOutboxEntry.Decode(entry.Id, newer));
        Assert.Throws<MalformedRecordException>(() => PairwiseOutboxEntry.Decode(entry.Id, encoded[..^1]));
        Assert.Throws<MalformedRecordException>(() => PairwiseOutboxEntry.Decode(entry.Id, [.. encoded, 0]));
    }
}
