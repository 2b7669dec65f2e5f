using System.Security.Cryptography;
using Courier.Node.Introductions;
using Courier.Node.Wire;
using Courier.Relay.Client;

namespace Courier.Node.Tests.Introductions;

/// <summary>The pairwise outbox record (version 2) reads back what was written, a version 1 record (before refusals were said once) still reads, and anything else is a typed error.</summary>
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
        Assert.False(decoded.RefusalSaid);
        Assert.True(PairwiseOutboxEntry.Decode(entry.Id, (entry with { RefusalSaid = true }).Encode()).RefusalSaid);

        // Version 1 (written before this one): the same fields without the refusal mark, read as not said.
        var old = encoded[..^1];
        old[0] = 1;
        var oldDecoded = PairwiseOutboxEntry.Decode(entry.Id, old);
        Assert.Equal((entry.Sequence, entry.Type, false), (oldDecoded.Sequence, oldDecoded.Type, oldDecoded.RefusalSaid));
        Assert.Equal(entry.Envelope, oldDecoded.Envelope);

        var newer = (byte[])encoded.Clone();
        newer[0] = 3;
        Assert.Contains("version is unknown", Assert.Throws<MalformedRecordException>(() => PairwiseOutboxEntry.Decode(entry.Id, newer)).Message, StringComparison.Ordinal);
        var badMark = (byte[])encoded.Clone();
        badMark[^1] = 2;
        Assert.Contains("refusal mark", Assert.Throws<MalformedRecordException>(() => PairwiseOutboxEntry.Decode(entry.Id, badMark)).Message, StringComparison.Ordinal);
        Assert.Throws<MalformedRecordException>(() => PairwiseOutboxEntry.Decode(entry.Id, encoded[..^1]));
        Assert.Throws<MalformedRecordException>(() => PairwiseOutboxEntry.Decode(entry.Id, [.. encoded, 0]));
    }
}
