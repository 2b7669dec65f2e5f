using Courier.Node.Cells;
using Courier.Relay.Client;

namespace Courier.Node.Tests.Cells;

/// <summary>The drops of a relay, in memory: ordered logs, idempotent appends, read-key checks.</summary>
internal sealed class InMemoryDropTransport : IDropTransport
{
    private readonly Dictionary<string, (byte[] ReadKey, List<byte[]> Log, Dictionary<string, long> Ids)> _drops = [];

    public IEnumerable<byte[]> AllEnvelopes => _drops.Values.SelectMany(d => d.Log);

    public int DropCount => _drops.Count;

    public Task CreateDropAsync(DropName drop, DropReadKey readKey, CancellationToken cancellationToken)
    {
        if (_drops.TryGetValue(drop.ToString(), out var existing))
        {
            Assert.Equal(existing.ReadKey, readKey.PublicKey);
        }
        else
        {
            _drops[drop.ToString()] = (readKey.PublicKey, [], []);
        }

        return Task.CompletedTask;
    }

    public Task<AppendReceipt> AppendAsync(DropName drop, ReadOnlyMemory<byte> envelope, MessageId messageId, CancellationToken cancellationToken)
    {
        Assert.True(EnvelopeSizes.IsAllowed(envelope.Length));
        var d = _drops[drop.ToString()];
        if (d.Ids.TryGetValue(messageId.ToString(), out var seq))
        {
            return Task.FromResult(new AppendReceipt(seq, true));
        }

        d.Log.Add(envelope.ToArray());
        d.Ids[messageId.ToString()] = d.Log.Count;
        return Task.FromResult(new AppendReceipt(d.Log.Count, false));
    }

    public Task<FetchResult> FetchAsync(DropName drop, DropReadKey readKey, long after, TimeSpan wait, CancellationToken cancellationToken)
    {
        var d = _drops[drop.ToString()];
        Assert.Equal(d.ReadKey, readKey.PublicKey);
        var envelopes = d.Log.Skip((int)after).Select((e, i) => new FetchedEnvelope(after + i + 1, e)).ToList();
        return Task.FromResult(new FetchResult(envelopes, d.Log.Count));
    }
}
