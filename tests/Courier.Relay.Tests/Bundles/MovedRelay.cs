using Courier.Node.Relay;
using Courier.Relay.Client;
using Courier.TestKit;

namespace Courier.Relay.Tests.Bundles;

/// <summary>A node's relay whose drop calls go to <see cref="Switch.To"/> once it is set (the cell's relay replaced by one that imported its drops); it notes the drops it fetched, in order.</summary>
internal sealed class MovedRelay(IRelay inner, MovedRelay.Switch moved) : DelegatingRelay(inner), IDisposable
{
    public override Task CreateDropAsync(DropName drop, DropReadKey readKey, DropAppendKey appendKey, CancellationToken cancellationToken)
        => (moved.To ?? Inner).CreateDropAsync(drop, readKey, appendKey, cancellationToken);

    public override Task<long> AppendAsync(DropName drop, DropAppendKey appendKey, ReadOnlyMemory<byte> envelope, MessageId messageId, CancellationToken cancellationToken)
        => (moved.To ?? Inner).AppendAsync(drop, appendKey, envelope, messageId, cancellationToken);

    public override Task<FetchResult> FetchAsync(DropName drop, DropReadKey readKey, long after, TimeSpan wait, CancellationToken cancellationToken)
    {
        if (!moved.Fetched.Contains(drop))
        {
            moved.Fetched.Add(drop);
        }

        return (moved.To ?? Inner).FetchAsync(drop, readKey, after, wait, cancellationToken);
    }

    public void Dispose() => (Inner as IDisposable)?.Dispose();

    public sealed class Switch
    {
        public IRelay? To { get; set; }

        public List<DropName> Fetched { get; } = [];
    }
}
