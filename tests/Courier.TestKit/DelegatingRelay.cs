using Courier.Node;
using Courier.Node.Relay;
using Courier.Relay.Client;

namespace Courier.TestKit;

/// <summary>
/// A relay that passes every call to another: a test's refusing, racing or hostile relay overrides
/// only the calls it changes.
/// </summary>
public abstract class DelegatingRelay(IRelay inner) : IRelay
{
    /// <summary>The relay every call not overridden goes to.</summary>
    protected IRelay Inner => inner;

    public string Address => inner.Address;

    public virtual Task<NameplateClaim> AllocateNameplateAsync(CancellationToken cancellationToken) => inner.AllocateNameplateAsync(cancellationToken);

    public virtual Task<NameplateClaim> JoinNameplateAsync(int nameplate, CancellationToken cancellationToken) => inner.JoinNameplateAsync(nameplate, cancellationToken);

    public virtual Task<long> PostAsync(NameplateClaim nameplate, ReadOnlyMemory<byte> envelope, MessageId messageId, CancellationToken cancellationToken) => inner.PostAsync(nameplate, envelope, messageId, cancellationToken);

    public virtual Task<NameplateFetchResult> ReadAsync(NameplateClaim nameplate, long after, TimeSpan wait, CancellationToken cancellationToken) => inner.ReadAsync(nameplate, after, wait, cancellationToken);

    public virtual Task ReleaseAsync(NameplateClaim nameplate, CancellationToken cancellationToken) => inner.ReleaseAsync(nameplate, cancellationToken);

    public virtual Task CreateDropAsync(DropName drop, DropReadKey readKey, DropAppendKey appendKey, CancellationToken cancellationToken) => inner.CreateDropAsync(drop, readKey, appendKey, cancellationToken);

    public virtual Task<long> AppendAsync(DropName drop, DropAppendKey appendKey, ReadOnlyMemory<byte> envelope, MessageId messageId, CancellationToken cancellationToken) => inner.AppendAsync(drop, appendKey, envelope, messageId, cancellationToken);

    public virtual Task<FetchResult> FetchAsync(DropName drop, DropReadKey readKey, long after, TimeSpan wait, CancellationToken cancellationToken) => inner.FetchAsync(drop, readKey, after, wait, cancellationToken);
}
