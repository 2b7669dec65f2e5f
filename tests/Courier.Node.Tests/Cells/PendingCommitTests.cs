using Courier.Node.Relay;
using Courier.Relay.Client;

namespace Courier.Node.Tests.Cells;

/// <summary>
/// A commit whose append the relay never took (unreachable past the retries) stays pending in the
/// member's stored group; the next change in that epoch must void it and commit afresh rather than
/// fail, and one the relay did store although its answer was lost must be merged, not made twice.
/// </summary>
public sealed class PendingCommitTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_commit_left_pending_by_an_unreachable_relay_does_not_block_the_next_change(bool storedButAnswerLost)
    {
        var memory = new InMemoryRelay();
        var relay = new FlakyRelay(memory);
        using var nodes = new TestNodes(memory);
        var (a, b) = await nodes.CellOfTwoAsync(relay);
        var epoch = a.Describe("north").Epoch;

        relay.FailAppends = true;
        relay.StoreBeforeFailing = storedButAnswerLost;
        await Assert.ThrowsAsync<RelayUnreachableException>(() => a.RotateKeysAsync("north"));

        relay.FailAppends = false;
        await a.RotateKeysAsync("north");

        // Stored although unanswered, the first commit was merged by the next read: two epochs; otherwise one.
        var expected = epoch + (storedButAnswerLost ? 2ul : 1ul);
        Assert.Equal(expected, a.Describe("north").Epoch);
        await b.SyncAsync();
        Assert.Equal(expected, b.Describe("north").Epoch);
        await a.SendAsync("north", "after the outage");
        Assert.Equal(["after the outage"], (await b.SyncAsync()).Received.Select(m => m.Text));
    }

    /// <summary>The in-memory relay whose appends fail as unreachable while the test says so, optionally after storing the envelope (the answer lost).</summary>
    private sealed class FlakyRelay(IRelay inner) : DelegatingRelay(inner)
    {
        public bool FailAppends { get; set; }

        public bool StoreBeforeFailing { get; set; }

        public override async Task<long> AppendAsync(DropName drop, DropAppendKey appendKey, ReadOnlyMemory<byte> envelope, MessageId messageId, CancellationToken cancellationToken)
        {
            if (!FailAppends)
            {
                return await base.AppendAsync(drop, appendKey, envelope, messageId, cancellationToken);
            }

            if (StoreBeforeFailing)
            {
                await base.AppendAsync(drop, appendKey, envelope, messageId, cancellationToken);
            }

            throw new RelayUnreachableException("The relay cannot be reached.");
        }
    }
}
