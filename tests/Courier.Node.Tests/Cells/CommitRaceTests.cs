using Courier.Node.Cells;
using Courier.Node.Relay;
using Courier.Node.Wire;
using Courier.Relay.Client;

namespace Courier.Node.Tests.Cells;

/// <summary>A member whose commits always lose the epoch gets a typed error, not a crash, and its cell stays usable.</summary>
public class CommitRaceTests
{
    [Fact]
    public async Task A_commit_that_loses_every_race_fails_with_cell_busy_and_the_cell_goes_on()
    {
        var relay = new InMemoryRelay();
        using var people = new People(relay);
        var cell = await people.CellAsync("Starik", "Alyosha", "Galya");
        var (starik, alyosha) = (cell["Starik"], cell["Alyosha"]);

        // Before each of Starik's appends, Alyosha's own commit lands first in the same epoch.
        var races = 0;
        starik.Reopen(new RacingRelay(relay, async () =>
        {
            races++;
            await alyosha.SyncAsync();
            var commit = alyosha.Group.Commit();
            relay.Insert(alyosha.Cell.CurrentDrop, alyosha.Cell.Seal(commit.Commit));
        }));

        var error = await Assert.ThrowsAsync<CellBusyException>(() => starik.UpdateKeysAsync());
        Assert.Equal("cell_busy", error.ErrorCode);
        Assert.Equal(Cell.CommitAttempts, races);
        Assert.False(starik.Group.HasPendingCommit);

        // Starik followed every winning commit: it is in Alyosha's epoch and can still write.
        await alyosha.SyncAsync();
        Assert.Equal(alyosha.Group.EpochAuthenticator(), starik.Group.EpochAuthenticator());
        starik.Reopen(relay);
        await starik.SendAsync(new TextContent("still here"));
        Assert.Equal("still here", ((TextContent)Assert.Single(await cell["Galya"].SyncAsync()).Content).Text);
    }

    /// <summary>A relay through which, before every commit-sized append, someone else appends first.</summary>
    private sealed class RacingRelay(InMemoryRelay inner, Func<Task> before) : DelegatingRelay(inner)
    {
        public override async Task<long> AppendAsync(DropName drop, DropAppendKey appendKey, ReadOnlyMemory<byte> envelope, MessageId messageId, CancellationToken cancellationToken)
        {
            await before();
            return await Inner.AppendAsync(drop, appendKey, envelope, messageId, cancellationToken);
        }
    }
}
