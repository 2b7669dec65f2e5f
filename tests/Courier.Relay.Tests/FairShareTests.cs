using System.Net;
using Courier.Relay.Client;
using Courier.Relay.Storage;
using Courier.Relay.Storage.Memory;

namespace Courier.Relay.Tests;

/// <summary>
/// Issue 13, must-hold 1, as a property rather than a timing: an address with as many requests in
/// progress as it may have (<see cref="RelayOptions.RequestsInProgressPerClient"/>) waits behind
/// itself, and another address's request is served at once. The load bench (`--attack`) measures
/// what that does to an honest client's latency under a flood.
/// </summary>
public sealed class FairShareTests
{
    [Fact]
    public async Task An_address_at_its_limit_waits_behind_itself_and_another_address_is_served_at_once()
    {
        var held = DropName.NewRandom();
        var store = new GatedStore(new InMemoryDropStore(), held);
        await using var relay = await TestRelay.StartAsync(_ => store, configure: o => new RelayOptions { Listen = o.Listen, Time = o.Time, RequestsPerSecondPerClient = 0, DropCreationsPerMinute = 0, RequestsInProgressPerClient = 2 });
        using var key = DropReadKey.Create();
        var open = DropName.NewRandom();
        await relay.Client.CreateDropAsync(held, key, appendKey: null);
        await relay.Client.CreateDropAsync(open, key, appendKey: null);

        // The flooding address's two places are taken by appends the store holds.
        using var flooderHttp = SourceAddress.HttpClient(relay.Host.Address, IPAddress.Parse("127.0.0.2"));
        var flooder = new RelayClient(flooderHttp);
        var appends = Enumerable.Range(0, 2).Select(_ => flooder.AppendAsync(held, null, new byte[EnvelopeSizes.Small], MessageId.NewRandom())).ToList();
        for (var i = 0; i < 2; i++)
        {
            Assert.True(await store.Entered.WaitAsync(TimeSpan.FromSeconds(30)), "the held appends did not reach the store");
        }

        var queued = flooder.FetchAsync(open, key, 0);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(queued.IsCompleted, "the flooding address's third request was served beside its two in progress");

        // Another address is served while the flooder waits.
        using var otherHttp = SourceAddress.HttpClient(relay.Host.Address, IPAddress.Parse("127.0.0.3"));
        var other = new RelayClient(otherHttp).FetchAsync(open, key, 0);
        Assert.Same(other, await Task.WhenAny(other, Task.Delay(TimeSpan.FromSeconds(30))));
        Assert.Empty((await other).Envelopes);
        Assert.False(queued.IsCompleted);

        // Once the flooder's appends finish, its queued request is served.
        store.Release();
        await Task.WhenAll(appends);
        Assert.Same(queued, await Task.WhenAny(queued, Task.Delay(TimeSpan.FromSeconds(30))));
        Assert.Empty((await queued).Envelopes);
    }

    /// <summary>A store whose look-ups of one drop's keys wait until released, counting those that entered.</summary>
    private sealed class GatedStore(IDropStore inner, DropName gated) : IDropStore
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public SemaphoreSlim Entered { get; } = new(0);

        public string Kind => inner.Kind;

        public void Release() => _gate.TrySetResult();

        public async Task<ReadOnlyMemory<byte>?> GetDropKeysAsync(DropName drop, CancellationToken cancellationToken)
        {
            if (drop == gated)
            {
                Entered.Release();
                await _gate.Task.WaitAsync(cancellationToken);
            }

            return await inner.GetDropKeysAsync(drop, cancellationToken);
        }

        public Task<CreateDropOutcome> CreateDropAsync(DropName drop, ReadOnlyMemory<byte> readKey, CancellationToken cancellationToken) => inner.CreateDropAsync(drop, readKey, cancellationToken);

        public Task<DropState?> GetDropAsync(DropName drop, CancellationToken cancellationToken) => inner.GetDropAsync(drop, cancellationToken);

        public Task<bool> TouchDropAsync(DropName drop, CancellationToken cancellationToken) => inner.TouchDropAsync(drop, cancellationToken);

        public Task<AppendOutcome> AppendAsync(DropName drop, MessageId messageId, ReadOnlyMemory<byte> envelope, int maxEnvelopes, CancellationToken cancellationToken) => inner.AppendAsync(drop, messageId, envelope, maxEnvelopes, cancellationToken);

        public Task<IReadOnlyList<StoredEnvelope>> ReadAsync(DropName drop, long after, int maxCount, int maxBytes, CancellationToken cancellationToken) => inner.ReadAsync(drop, after, maxCount, maxBytes, cancellationToken);

        public Task TrimAsync(DropName drop, long through, CancellationToken cancellationToken) => inner.TrimAsync(drop, through, cancellationToken);

        public Task WaitForAppendAsync(DropName drop, long after, TimeSpan timeout, CancellationToken cancellationToken) => inner.WaitForAppendAsync(drop, after, timeout, cancellationToken);

        public Task<bool> TryClaimNameplateAsync(int number, NameplateState nameplate, DateTimeOffset expires, CancellationToken cancellationToken) => inner.TryClaimNameplateAsync(number, nameplate, expires, cancellationToken);

        public Task<NameplateState?> GetNameplateAsync(int number, CancellationToken cancellationToken) => inner.GetNameplateAsync(number, cancellationToken);

        public Task<JoinOutcome> TryJoinNameplateAsync(int number, ReadOnlyMemory<byte> acceptorClaim, CancellationToken cancellationToken) => inner.TryJoinNameplateAsync(number, acceptorClaim, cancellationToken);

        public Task<bool> ReleaseNameplateAsync(int number, CancellationToken cancellationToken) => inner.ReleaseNameplateAsync(number, cancellationToken);

        public Task<NonceOutcome> TryRememberNonceAsync(DropName drop, ReadOnlyMemory<byte> nonce, long signedAt, DateTimeOffset expires, CancellationToken cancellationToken) => inner.TryRememberNonceAsync(drop, nonce, signedAt, expires, cancellationToken);

        public Task<long> SweepAsync(CancellationToken cancellationToken) => inner.SweepAsync(cancellationToken);

        public Task<long> CountDropsAsync(CancellationToken cancellationToken) => inner.CountDropsAsync(cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
