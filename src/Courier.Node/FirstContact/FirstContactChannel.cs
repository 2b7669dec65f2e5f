using Courier.Node.Relay;
using Courier.Relay.Client;
using Courier.Node.Wire;

namespace Courier.Node.FirstContact;

/// <summary>
/// One side's view of a first contact's nameplate: posts framed messages as its side (the relay lets
/// only the two claims post, two messages each) and reads the other side's, skipping anything
/// unreadable or unexpected, until a deadline. It remembers whether the relay reported a third party
/// trying to join, so that a failure can be named for what it most likely is.
/// </summary>
internal sealed class FirstContactChannel(IRelay relay, NameplateClaim claim, TimeProvider time, DateTimeOffset deadline)
{
    /// <summary>Waits longer than this are split, so that a relay's long-poll limit is never exceeded.</summary>
    private static readonly TimeSpan MaxPoll = TimeSpan.FromSeconds(30);

    private long _cursor;

    public int Nameplate => claim.Number;

    /// <summary>True once the relay reported that someone other than the two sides tried to join.</summary>
    public bool Interfered { get; private set; }

    /// <summary>The error for a code that did not match: interference when a third party was seen, else different codes.</summary>
    public NodeException Mismatch() => Interfered
        ? new InterferenceException("The code did not match, and a third party tried to join this invitation's nameplate: the invitation was interfered with. Nothing was stored; make a new invitation and share its code privately.")
        : FirstContactProtocol.WrongCode();

    public async Task PostAsync(FirstContactKind kind, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var envelope = EnvelopeFrame.Pad((byte)kind, content.Span, EnvelopeSizes.Nameplate);
        await relay.PostAsync(claim, envelope, MessageId.NewRandom(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Posts an abort in our role. Best effort: the nameplate may already be gone.</summary>
    public async Task AbortAsync(bool inviter, CancellationToken cancellationToken)
    {
        try
        {
            await PostAsync(FirstContactKind.Abort, new[] { inviter ? (byte)1 : (byte)2 }, cancellationToken).ConfigureAwait(false);
        }
        catch (NodeException)
        {
            // The other side then learns of the failure from the nameplate's release or its own timeout.
        }
    }

    /// <summary>
    /// The content of the next message of kind <paramref name="expected"/>, or null when an abort from
    /// the other side (<paramref name="fromInviter"/> says which side that is) comes first.
    /// </summary>
    /// <exception cref="FirstContactFailedException">The deadline passed.</exception>
    public async Task<byte[]?> ReadAsync(FirstContactKind expected, bool fromInviter, CancellationToken cancellationToken)
    {
        var abortRole = fromInviter ? (byte)1 : (byte)2;
        while (true)
        {
            var remaining = deadline - time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                throw Interfered
                    ? new InterferenceException($"No answer on nameplate {Nameplate} in time, and a third party tried to join it: the invitation was interfered with. Nothing was stored.")
                    : new FirstContactFailedException($"The other side did not answer on nameplate {Nameplate} in time. Nothing was stored.");
            }

            var read = await relay.ReadAsync(claim, _cursor, remaining < MaxPoll ? remaining : MaxPoll, cancellationToken).ConfigureAwait(false);
            Interfered |= read.Interfered;
            foreach (var envelope in read.Envelopes)
            {
                _cursor = Math.Max(_cursor, envelope.Seq);
                if (EnvelopeFrame.TryOpen(envelope.Data) is not var (kind, content))
                {
                    continue;
                }

                if (kind == (byte)expected)
                {
                    return content;
                }

                if (kind == (byte)FirstContactKind.Abort && content is [var role] && role == abortRole)
                {
                    return null;
                }
            }
        }
    }
}
