using Courier.Node.Relay;
using Courier.Relay.Client;

namespace Courier.Node.Tests.Relay;

/// <summary>A relay that answers what no honest relay would: one clear error, nothing used, no loop.</summary>
public sealed class HostileRelayTests
{
    [Fact]
    public async Task A_relay_that_returns_the_same_envelope_forever_costs_one_clear_error_per_sync_and_the_node_goes_on()
    {
        // One relay; b's view of it can turn hostile, a's stays honest.
        var relay = new InMemoryRelay();
        var hostile = new HostileRelay(relay);
        using var nodes = new TestNodes(relay);
        var a = nodes.Create(TestNodes.BaseOptions(relay: new HostileRelay(relay)));
        var b = nodes.Create(TestNodes.BaseOptions(relay: hostile));
        await ConnectAsync(hostile, a, b);
        a.CreateLayer("north", [new Uri(hostile.Address)]);
        await a.CreateCellAsync("north");
        await a.AddToCellAsync("north", ["b"]);
        Assert.Equal(["north"], (await b.SyncAsync()).Contacts.JoinedCells);
        await a.SendAsync("north", "before");
        Assert.Equal(["before"], (await b.SyncAsync()).Received.Select(m => m.Text));

        // From now on every fetch answers the last envelope again, as if it were new.
        hostile.Mode = HostileMode.RepeatLast;
        await a.SendAsync("north", "during");
        var result = await b.SyncAsync();
        Assert.Empty(result.Received);
        Assert.Contains(result.Problems, p => p.Contains("faulty or hostile", StringComparison.Ordinal) && p.Contains("must increase", StringComparison.Ordinal));
        Assert.Equal(1, result.Problems.Count(p => p.Contains("Cell", StringComparison.Ordinal)));

        // An honest relay again: what was sent meanwhile arrives once.
        hostile.Mode = HostileMode.Honest;
        Assert.Equal(["during"], (await b.SyncAsync()).Received.Select(m => m.Text));
        Assert.Empty((await b.SyncAsync()).Received);
    }

    [Theory]
    [InlineData(HostileMode.RepeatLast, "must increase")]
    [InlineData(HostileMode.Backwards, "must increase")]
    [InlineData(HostileMode.TooMany, "at most 256")]
    [InlineData(HostileMode.OddSize, "a size relays do not store")]
    [InlineData(HostileMode.ZeroSequence, "sequence number 0")]
    public async Task Every_kind_of_impossible_answer_is_refused_with_a_typed_error(HostileMode mode, string says)
    {
        var hostile = new HostileRelay(new InMemoryRelay());
        var drop = DropName.NewRandom();
        using var key = DropReadKey.Create();
        using var appendKey = DropAppendKey.Create();
        await hostile.CreateDropAsync(drop, key, appendKey, default);
        await hostile.AppendAsync(drop, appendKey, new byte[EnvelopeSizes.Small], MessageId.NewRandom(), default);
        await hostile.AppendAsync(drop, appendKey, new byte[EnvelopeSizes.Small], MessageId.NewRandom(), default);
        var checkedRelay = new CheckedRelay(hostile);
        Assert.Equal(2, (await checkedRelay.FetchAsync(drop, key, 0, TimeSpan.Zero, default)).Envelopes.Count);

        hostile.Mode = mode;
        var error = await Assert.ThrowsAsync<RelayMisbehavedException>(async () =>
        {
            await checkedRelay.FetchAsync(drop, key, 1, TimeSpan.Zero, default);
            await checkedRelay.AppendAsync(drop, appendKey, new byte[EnvelopeSizes.Small], MessageId.NewRandom(), default);
        });
        Assert.Equal("relay_misbehaved", error.ErrorCode);
        Assert.Contains(says, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_oversized_answer_is_refused_without_reading_it_all()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var server = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            _ = await stream.ReadAsync(new byte[8192]); // the request: its content does not matter
            const int length = 64 * 1024 * 1024;
            await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n\r\n"));
            var chunk = new byte[64 * 1024];
            try
            {
                for (var sent = 0; sent < length; sent += chunk.Length)
                {
                    await stream.WriteAsync(chunk);
                }
            }
            catch (IOException)
            {
                // The node hung up once it had read enough: what this test expects.
            }
        });

        using var relay = new HttpRelay(new Uri($"http://127.0.0.1:{((System.Net.IPEndPoint)listener.LocalEndpoint).Port}/"));
        using var key = DropReadKey.Create();
        var error = await Assert.ThrowsAsync<RelayMisbehavedException>(() => relay.FetchAsync(DropName.NewRandom(), key, 0, TimeSpan.Zero, default));
        Assert.Contains("larger than 8 MiB", error.Message, StringComparison.Ordinal);
        await server.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static async Task ConnectAsync(HostileRelay relay, CourierNode inviter, CourierNode acceptor)
    {
        using var invitation = await inviter.InviteAsync(new Uri(relay.Address), null, null);
        var accepted = acceptor.AcceptAsync(new Uri(relay.Address), invitation.Code, "b");
        await Task.WhenAll(accepted, invitation.CompleteAsync());
    }
}

public enum HostileMode
{
    Honest,
    RepeatLast,
    Backwards,
    TooMany,
    OddSize,
    ZeroSequence,
}

/// <summary>An in-memory relay whose answers can be turned into ones no honest relay gives.</summary>
internal sealed class HostileRelay(InMemoryRelay inner) : DelegatingRelay(inner)
{
    public HostileMode Mode { get; set; }

    public override async Task<long> AppendAsync(DropName drop, DropAppendKey appendKey, ReadOnlyMemory<byte> envelope, MessageId messageId, CancellationToken cancellationToken)
    {
        var seq = await Inner.AppendAsync(drop, appendKey, envelope, messageId, cancellationToken);
        return Mode == HostileMode.ZeroSequence ? 0 : seq;
    }

    public override async Task<FetchResult> FetchAsync(DropName drop, DropReadKey readKey, long after, TimeSpan wait, CancellationToken cancellationToken)
    {
        if (Mode is HostileMode.Honest or HostileMode.ZeroSequence)
        {
            return await Inner.FetchAsync(drop, readKey, after, wait, cancellationToken);
        }

        var all = (await Inner.FetchAsync(drop, readKey, 0, wait, cancellationToken)).Envelopes;
        if (all.Count == 0)
        {
            return new FetchResult(all, 0);
        }

        var last = all[^1];
        return new FetchResult(Mode switch
        {
            HostileMode.RepeatLast => [last with { Seq = after }],
            HostileMode.Backwards => [.. all.Reverse()],
            HostileMode.TooMany => Enumerable.Range(1, 257).Select(i => last with { Seq = after + i }).ToList(),
            _ => [last with { Seq = after + 1, Data = new byte[EnvelopeSizes.Small + 1] }],
        }, long.MaxValue);
    }
}
