using Courier.Relay.Client;

namespace Courier.Node.Cells;

/// <summary>
/// The dead drops of one layer's relays, as a cell uses them. Implementations must be safe to call
/// from one cell at a time; an append returns only once the relay acknowledged it durably, and
/// repeating an append with the same message id stores nothing new.
/// </summary>
public interface IDropTransport
{
    /// <summary>Creates the drop readable with <paramref name="readKey"/>; creating it again with the same key is a no-op.</summary>
    Task CreateDropAsync(DropName drop, DropReadKey readKey, CancellationToken cancellationToken);

    /// <summary>Appends an envelope durably.</summary>
    Task<AppendReceipt> AppendAsync(DropName drop, ReadOnlyMemory<byte> envelope, MessageId messageId, CancellationToken cancellationToken);

    /// <summary>The envelopes after sequence number <paramref name="after"/>, waiting up to <paramref name="wait"/> for one.</summary>
    Task<FetchResult> FetchAsync(DropName drop, DropReadKey readKey, long after, TimeSpan wait, CancellationToken cancellationToken);
}

/// <summary>The transport over a relay's HTTP API.</summary>
public sealed class RelayDropTransport(RelayClient client) : IDropTransport
{
    /// <inheritdoc/>
    public Task CreateDropAsync(DropName drop, DropReadKey readKey, CancellationToken cancellationToken)
        => client.CreateDropAsync(drop, readKey, cancellationToken);

    /// <inheritdoc/>
    public Task<AppendReceipt> AppendAsync(DropName drop, ReadOnlyMemory<byte> envelope, MessageId messageId, CancellationToken cancellationToken)
        => client.AppendAsync(drop, envelope, messageId, cancellationToken);

    /// <inheritdoc/>
    public Task<FetchResult> FetchAsync(DropName drop, DropReadKey readKey, long after, TimeSpan wait, CancellationToken cancellationToken)
        => client.FetchAsync(drop, readKey, after, wait, 256, cancellationToken);
}
