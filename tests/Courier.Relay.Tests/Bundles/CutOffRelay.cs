using Courier.Node;
using Courier.Node.Relay;
using Courier.Relay.Client;
using Courier.TestKit;

namespace Courier.Relay.Tests.Bundles;

/// <summary>A node's relay that refuses every call while <see cref="Switch.Cut"/> is set: a member from whom no relay is reachable.</summary>
internal sealed class CutOffRelay(IRelay inner, CutOffRelay.Switch cut) : DelegatingRelay(inner), IDisposable
{
    public override Task CreateDropAsync(DropName drop, DropReadKey readKey, DropAppendKey appendKey, CancellationToken cancellationToken)
        => cut.Cut ? Refuse() : base.CreateDropAsync(drop, readKey, appendKey, cancellationToken);

    public override Task<long> AppendAsync(DropName drop, DropAppendKey appendKey, ReadOnlyMemory<byte> envelope, MessageId messageId, CancellationToken cancellationToken)
        => cut.Cut ? Refuse<long>() : base.AppendAsync(drop, appendKey, envelope, messageId, cancellationToken);

    public override Task<FetchResult> FetchAsync(DropName drop, DropReadKey readKey, long after, TimeSpan wait, CancellationToken cancellationToken)
        => cut.Cut ? Refuse<FetchResult>() : base.FetchAsync(drop, readKey, after, wait, cancellationToken);

    public void Dispose() => (Inner as IDisposable)?.Dispose();

    private static Task Refuse() => Refuse<bool>();

    private static Task<T> Refuse<T>() => Task.FromException<T>(new RelayUnreachableException("connection refused (the test cut this node off)"));

    public sealed class Switch
    {
        public bool Cut { get; set; }
    }
}
