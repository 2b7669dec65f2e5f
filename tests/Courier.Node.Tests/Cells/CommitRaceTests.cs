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
    private sealed class RacingRelay(InMemoryRelay inner, Func<Task> before) : IRelay
    {
        public string Address => inner.Address;

        public async Task<long> AppendAsync(DropName drop, DropAppendKey appendKey, ReadOnlyMemory<byte> envelope, MessageId messageId, CancellationToken cancellationToken)
        {
            await before();
            return await inner.AppendAsync(drop, appendKey, envelope, messageId, cancellationToken);
        }

        public Task<NameplateClaim> AllocateNameplateAsync(CancellationToken cancellationToken) => inner.AllocateNameplateAsync(cancellationToken);

        public Task<NameplateClaim> JoinNameplateAsync(int nameplate, CancellationToken cancellationToken) => inner.JoinNameplateAsync(nameplate, cancellationToken);

        public Task<long> PostAsync(NameplateClaim nameplate, ReadOnlyMemory<byte> envelope, MessageId messageId, CancellationToken cancellationToken) => inner.PostAsync(nameplate, envelope, messageId, cancellationToken);

        public Task<NameplateFetchResult> ReadAsync(NameplateClaim nameplate, long after, TimeSpan wait, CancellationToken cancellationToken) => inner.ReadAsync(nameplate, after, wait, cancellationToken);

        public Task ReleaseAsync(NameplateClaim nameplate, CancellationToken cancellationToken) => inner.ReleaseAsync(nameplate, cancellationToken);

        public Task CreateDropAsync(DropName drop, DropReadKey readKey, DropAppendKey appendKey, CancellationToken cancellationToken) => inner.CreateDropAsync(drop, readKey, appendKey, cancellationToken);

        public Task<FetchResult> FetchAsync(DropName drop, DropReadKey readKey, long after, TimeSpan wait, CancellationToken cancellationToken) => inner.FetchAsync(drop, readKey, after, wait, cancellationToken);
    }
}
