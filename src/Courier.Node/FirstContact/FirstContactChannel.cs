using Courier.Node.Relay;
using Courier.Relay.Client;
using Courier.Node.Wire;

namespace Courier.Node.FirstContact;

/// <summary>
/// One side's view of a first contact's nameplate: posts framed messages and reads the other side's,
/// skipping its own and anything unreadable (a stranger may post junk to a nameplate; only the
/// expected kinds count), until a deadline.
/// </summary>
internal sealed class FirstContactChannel(IRelay relay, int nameplate, TimeProvider time, DateTimeOffset deadline)
{
    /// <summary>Waits longer than this are split, so that a relay's long-poll limit is never exceeded.</summary>
    private static readonly TimeSpan MaxPoll = TimeSpan.FromSeconds(30);

    private long _cursor;

    public int Nameplate { get; } = nameplate;

    public async Task PostAsync(FirstContactKind kind, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var envelope = EnvelopeFrame.Pad((byte)kind, content.Span, EnvelopeSizes.Nameplate);
        await relay.PostAsync(Nameplate, envelope, MessageId.NewRandom(), cancellationToken).ConfigureAwait(false);
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
                throw new FirstContactFailedException($"The other side did not answer on nameplate {Nameplate} in time. Nothing was stored.");
            }

            var envelopes = await relay.ReadAsync(Nameplate, _cursor, remaining < MaxPoll ? remaining : MaxPoll, cancellationToken).ConfigureAwait(false);
            foreach (var envelope in envelopes)
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
