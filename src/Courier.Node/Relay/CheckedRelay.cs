using Courier.Relay.Client;

namespace Courier.Node.Relay;

/// <summary>
/// Checks every answer of a relay before the node uses it (docs/node.md, "Hostile relays"): fetched
/// envelopes come after the position asked for, in strictly increasing order, at most
/// <see cref="MaxEnvelopesPerFetch"/> of them, each of a size relays store; an append's sequence
/// number is positive. Anything else is <see cref="RelayMisbehavedException"/>, so a faulty or hostile
/// relay costs one clear error, never a loop. <see cref="RelayPool"/> wraps every relay in one.
/// </summary>
internal sealed class CheckedRelay(IRelay inner) : IRelay, IDisposable
{
    /// <summary>The most envelopes one answer may hold (a relay returns at most 256).</summary>
    public const int MaxEnvelopesPerFetch = 256;

    public string Address => inner.Address;

    public Task<NameplateClaim> AllocateNameplateAsync(CancellationToken cancellationToken) => inner.AllocateNameplateAsync(cancellationToken);

    public Task<NameplateClaim> JoinNameplateAsync(int nameplate, CancellationToken cancellationToken) => inner.JoinNameplateAsync(nameplate, cancellationToken);

    public async Task<long> PostAsync(NameplateClaim nameplate, ReadOnlyMemory<byte> envelope, MessageId messageId, CancellationToken cancellationToken)
        => Sequence(await inner.PostAsync(nameplate, envelope, messageId, cancellationToken).ConfigureAwait(false));

    public async Task<NameplateFetchResult> ReadAsync(NameplateClaim nameplate, long after, TimeSpan wait, CancellationToken cancellationToken)
    {
        var result = await inner.ReadAsync(nameplate, after, wait, cancellationToken).ConfigureAwait(false);
        Checked(result.Envelopes, after, EnvelopeSizes.IsAllowedOnNameplate);
        return result;
    }

    public Task ReleaseAsync(NameplateClaim nameplate, CancellationToken cancellationToken) => inner.ReleaseAsync(nameplate, cancellationToken);

    public Task CreateDropAsync(DropName drop, DropReadKey readKey, DropAppendKey appendKey, CancellationToken cancellationToken) => inner.CreateDropAsync(drop, readKey, appendKey, cancellationToken);

    public async Task<long> AppendAsync(DropName drop, DropAppendKey appendKey, ReadOnlyMemory<byte> envelope, MessageId messageId, CancellationToken cancellationToken)
        => Sequence(await inner.AppendAsync(drop, appendKey, envelope, messageId, cancellationToken).ConfigureAwait(false));

    public async Task<FetchResult> FetchAsync(DropName drop, DropReadKey readKey, long after, TimeSpan wait, CancellationToken cancellationToken)
    {
        var result = await inner.FetchAsync(drop, readKey, after, wait, cancellationToken).ConfigureAwait(false);
        Checked(result.Envelopes, after, EnvelopeSizes.IsAllowed);
        if (result.Envelopes.Count > 0 && result.Last < result.Envelopes[^1].Seq)
        {
            throw Misbehaved($"returned envelope {result.Envelopes[^1].Seq} of a drop whose last is {result.Last}");
        }

        return result;
    }

    public void Dispose() => (inner as IDisposable)?.Dispose();

    public override string ToString() => inner.ToString() ?? nameof(CheckedRelay);

    private IReadOnlyList<FetchedEnvelope> Checked(IReadOnlyList<FetchedEnvelope> envelopes, long after, Func<int, bool> allowedSize)
    {
        if (envelopes.Count > MaxEnvelopesPerFetch)
        {
            throw Misbehaved($"returned {envelopes.Count} envelopes for one fetch (at most {MaxEnvelopesPerFetch})");
        }

        var previous = after;
        foreach (var envelope in envelopes)
        {
            if (envelope.Seq <= previous)
            {
                throw Misbehaved($"returned envelope {envelope.Seq} after {previous} (sequence numbers must increase)");
            }

            if (!allowedSize(envelope.Data.Length))
            {
                throw Misbehaved($"returned an envelope of {envelope.Data.Length} bytes, a size relays do not store");
            }

            previous = envelope.Seq;
        }

        return envelopes;
    }

    private long Sequence(long seq) => seq > 0 ? seq : throw Misbehaved($"acknowledged an envelope with sequence number {seq}");

    private RelayMisbehavedException Misbehaved(string what)
        => new($"The relay at {Address} {what}: it is faulty or hostile, and its answer was not used. Try again later or use another relay.");
}
