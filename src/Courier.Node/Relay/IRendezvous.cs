namespace Courier.Node.Relay;

/// <summary>
/// Rendezvous nameplates (docs/node.md, "First contact"): the relay allocates a short number that
/// names a small mailbox for a few minutes; both sides of a first contact post envelopes to it and
/// read each other's, and the inviter releases it afterwards, success or not.
/// Envelopes on a nameplate are 1 KiB or 4 KiB (<see cref="EnvelopeSizes"/>).
/// </summary>
public interface IRendezvous
{
    /// <summary>Allocates a nameplate (a number from 1 to 99999) and returns it.</summary>
    Task<int> AllocateNameplateAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Posts one envelope; returns its sequence number (1, 2, ...) once the relay stored it. Posting
    /// again with the same <paramref name="messageId"/> stores nothing new and returns the same number.
    /// </summary>
    Task<long> PostAsync(int nameplate, ReadOnlyMemory<byte> envelope, Guid messageId, CancellationToken cancellationToken);

    /// <summary>
    /// The envelopes with a sequence number above <paramref name="after"/>, in order; if there are
    /// none, waits up to <paramref name="wait"/> (at most 60 seconds) for one and returns what came,
    /// possibly nothing.
    /// </summary>
    Task<IReadOnlyList<RelayEnvelope>> ReadAsync(int nameplate, long after, TimeSpan wait, CancellationToken cancellationToken);

    /// <summary>Releases the nameplate: its envelopes are deleted and the number can no longer be used. Releasing twice is not an error.</summary>
    Task ReleaseAsync(int nameplate, CancellationToken cancellationToken);
}
