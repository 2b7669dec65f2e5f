using Courier.Node.Cells;
using Courier.Node.Relay;
using Courier.Relay.Client;

namespace Courier.Node.Tests.Cells;

/// <summary>
/// A member's node crashes in the middle of rejoining by external commit (issue 12, "Nothing lost
/// silently"): before the commit reached the relay, or after the relay stored it but before the new
/// group was stored. On restart the member finishes the rejoin at once (no other member's daily
/// republish needed), reads what is sent after, and its outbox is delivered exactly once.
/// </summary>
public class RejoinCrashTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_crash_during_a_rejoin_is_recovered_at_the_restart_and_the_outbox_is_delivered_once(bool commitReachedRelay)
    {
        var memory = new InMemoryRelay();
        var relay = new CrashingRelay(memory);
        using var people = new People(relay, new CellSettings(TimeSpan.FromSeconds(1), TimeProvider.System) { RejoinCheck = TimeSpan.Zero });
        var cell = await people.CellAsync("Starik", "Alyosha", "Galya");
        await cell["Starik"].SendAsync(new TextContent("before"));
        await cell["Alyosha"].SyncAsync();
        await cell["Galya"].SyncAsync();

        // Galya goes away with a message that never left; the cell moves on and retention deletes everything.
        memory.Unreachable = true;
        await Assert.ThrowsAsync<RelayUnreachableException>(() => cell["Galya"].SendAsync(new TextContent("queued while away")));
        memory.Unreachable = false;
        await cell["Starik"].UpdateKeysAsync();
        await cell["Alyosha"].SyncAsync();
        await cell["Starik"].SendAsync(new TextContent("while Galya was away"));
        memory.ExpireAll();
        await cell["Starik"].SyncAsync();
        var epoch = cell["Starik"].Group.Epoch;

        // Galya comes back and rejoins; her node dies at the external commit's append.
        relay.CrashAtNextAppend(afterStoring: commitReachedRelay);
        await Assert.ThrowsAsync<SimulatedCrashException>(() => cell["Galya"].SyncAsync());
        byte[] commit;
        using (var pending = cell["Galya"].Store.ReadPendingRejoin()!)
        {
            commit = pending.Envelope;
        }

        Assert.Equal(commitReachedRelay ? 1 : 0, memory.DropContents.SelectMany(d => d).Count(e => e.AsSpan().SequenceEqual(commit)));
        cell["Galya"].Crash();

        // The restart finishes the rejoin from what the vault held, in the first sync.
        Assert.Empty(await cell["Galya"].SyncAsync());
        Assert.Contains("it rejoined the cell", Assert.Single(cell["Galya"].Cell.TakeGapNotices()), StringComparison.Ordinal);
        Assert.Null(cell["Galya"].Store.PendingRejoin);
        Assert.Equal(epoch + 1, cell["Galya"].Group.Epoch);

        // Appended (again, with the same id) as first made: the relay holds it once.
        Assert.Single(memory.DropContents.SelectMany(d => d), e => e.AsSpan().SequenceEqual(commit));

        // The others follow her commit; each reads her queued message once, and she reads what follows.
        await cell["Starik"].SendAsync(new TextContent("after Galya rejoined"));
        foreach (var name in new[] { "Starik", "Alyosha" })
        {
            var received = await cell[name].SyncAsync();
            Assert.Single(received, m => m.Content == new TextContent("queued while away") && m.Sender == "Galya");
            Assert.Equal(cell["Galya"].Group.EpochAuthenticator(), cell[name].Group.EpochAuthenticator());
            Assert.Empty(await cell[name].SyncAsync());
        }

        Assert.Equal(new TextContent("after Galya rejoined"), Assert.Single(await cell["Galya"].SyncAsync()).Content);
        Assert.Empty(cell["Galya"].OutboxAtClose);

        // The adopted group was stored whole: another restart continues from it.
        cell["Galya"].Crash();
        await cell["Alyosha"].SendAsync(new TextContent("after a second restart"));
        Assert.Equal(new TextContent("after a second restart"), Assert.Single(await cell["Galya"].SyncAsync()).Content);
    }

    private sealed class SimulatedCrashException() : Exception("simulated crash");

    /// <summary>A relay whose next append ends the node's process (as an exception the cell does not catch), before or after the relay stored the envelope.</summary>
    private sealed class CrashingRelay(IRelay inner) : DelegatingRelay(inner)
    {
        private bool? _afterStoring;

        public void CrashAtNextAppend(bool afterStoring) => _afterStoring = afterStoring;

        public override async Task<long> AppendAsync(DropName drop, DropAppendKey appendKey, ReadOnlyMemory<byte> envelope, MessageId messageId, CancellationToken cancellationToken)
        {
            if (_afterStoring is { } after)
            {
                _afterStoring = null;
                if (after)
                {
                    await Inner.AppendAsync(drop, appendKey, envelope, messageId, cancellationToken);
                }

                throw new SimulatedCrashException();
            }

            return await Inner.AppendAsync(drop, appendKey, envelope, messageId, cancellationToken);
        }
    }
}
