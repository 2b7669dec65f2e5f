using Courier.Node.Relay;
using Courier.Relay.Client;

namespace Courier.Node.Tests.Node;

/// <summary><see cref="CourierNode.Outbox"/>: what waits in a cell's outbox, unsettled or set aside, by the cell's name, with when it was queued.</summary>
public sealed class OutboxTests
{
    [Fact]
    public async Task The_outbox_lists_a_cell_message_the_relay_could_not_take_and_one_it_refused_until_a_sync_delivers_them()
    {
        var memory = new InMemoryRelay();
        var relay = new SwitchingRelay(memory);
        using var nodes = new TestNodes(memory);
        var (a, b) = await nodes.CellOfTwoAsync(relay);
        Assert.Empty(a.Outbox);
        var epoch = a.Cells.Single().Epoch;

        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        relay.Unreachable = true;
        await Assert.ThrowsAsync<RelayUnreachableException>(() => a.SendAsync("north", "while the relay was away"));
        var waiting = Assert.Single(a.Outbox);
        Assert.Equal(("cell", "north", "unsettled", (ulong?)epoch), (waiting.Kind, waiting.Name, waiting.State, waiting.Epoch));
        Assert.InRange(waiting.QueuedAt!.Value, before, DateTimeOffset.UtcNow);

        // The relay refuses every append for good: the refused one is set aside (kept, no longer retried); both keep their time.
        relay.Unreachable = false;
        relay.RefuseAppends = true;
        await Assert.ThrowsAsync<RelayRejectedException>(() => a.SendAsync("north", "refused"));
        Assert.Equal(2, a.Outbox.Count);
        Assert.All(a.Outbox, i => Assert.Equal(("cell", "north"), (i.Kind, i.Name)));
        Assert.Contains(a.Outbox, i => i.State == "set aside");
        Assert.Contains(a.Outbox, i => i.QueuedAt == waiting.QueuedAt);

        // Once the relay relents, a sync sends both (in the next epoch) and the outbox is empty; each is read once.
        relay.RefuseAppends = false;
        await a.SyncAsync();
        Assert.Empty(a.Outbox);
        Assert.Equal(["refused", "while the relay was away"], (await b.SyncAsync()).Received.Select(m => m.Text).Order());
    }

    /// <summary>The in-memory relay, unreachable or refusing appends (<c>drop_full</c>) while the test says so.</summary>
    private sealed class SwitchingRelay(IRelay inner) : DelegatingRelay(inner)
    {
        public bool Unreachable { get; set; }

        public bool RefuseAppends { get; set; }

        public override Task<long> AppendAsync(DropName drop, DropAppendKey appendKey, ReadOnlyMemory<byte> envelope, MessageId messageId, CancellationToken cancellationToken)
            => Unreachable ? throw new RelayUnreachableException("The relay cannot be reached.")
                : RefuseAppends ? throw new RelayRejectedException("The relay refused the request (409 drop_full).", "drop_full")
                : base.AppendAsync(drop, appendKey, envelope, messageId, cancellationToken);

        public override Task<FetchResult> FetchAsync(DropName drop, DropReadKey readKey, long after, TimeSpan wait, CancellationToken cancellationToken)
            => Unreachable ? throw new RelayUnreachableException("The relay cannot be reached.") : base.FetchAsync(drop, readKey, after, wait, cancellationToken);
    }
}
