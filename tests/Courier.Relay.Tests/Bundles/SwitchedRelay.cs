using Courier.Node;
using Courier.Node.Relay;
using Courier.Relay.Client;
using Courier.TestKit;

namespace Courier.Relay.Tests.Bundles;

/// <summary>
/// A node's relay under a test's switch: every drop call refused while <see cref="Switch.Cut"/> is set
/// (a member no relay can reach), sent to <see cref="Switch.To"/> once it is set (the cell's relay
/// replaced by one that imported its drops); the drops fetched are noted, in order.
/// </summary>
internal sealed class SwitchedRelay(IRelay inner, SwitchedRelay.Switch state) : DelegatingRelay(inner), IDisposable
{
    private IRelay Target => state.To ?? Inner;

    public override Task CreateDropAsync(DropName drop, DropReadKey readKey, DropAppendKey appendKey, CancellationToken cancellationToken)
        => state.Cut ? Refuse<bool>() : Target.CreateDropAsync(drop, readKey, appendKey, cancellationToken);

    public override Task<long> AppendAsync(DropName drop, DropAppendKey appendKey, ReadOnlyMemory<byte> envelope, MessageId messageId, CancellationToken cancellationToken)
        => state.Cut ? Refuse<long>() : Target.AppendAsync(drop, appendKey, envelope, messageId, cancellationToken);

    public override Task<FetchResult> FetchAsync(DropName drop, DropReadKey readKey, long after, TimeSpan wait, CancellationToken cancellationToken)
    {
        if (state.Cut)
        {
            return Refuse<FetchResult>();
        }

        if (!state.Fetched.Contains(drop))
        {
            state.Fetched.Add(drop);
        }

        return Target.FetchAsync(drop, readKey, after, wait, cancellationToken);
    }

    public void Dispose() => (Inner as IDisposable)?.Dispose();

    private static Task<T> Refuse<T>() => Task.FromException<T>(new RelayUnreachableException("connection refused (the test cut this node off)"));

    public sealed class Switch
    {
        public bool Cut { get; set; }

        public IRelay? To { get; set; }

        public List<DropName> Fetched { get; } = [];
    }
}
