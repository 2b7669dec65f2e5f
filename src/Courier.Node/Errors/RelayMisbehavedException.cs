namespace Courier.Node;

/// <summary>
/// A relay answered with something no honest relay sends (envelopes out of order or not after the
/// position asked for, more than a fetch may return, a size no relay stores, an oversized response).
/// Not retried: the answer was dropped, nothing in it was used.
/// </summary>
public sealed class RelayMisbehavedException : NodeException
{
    /// <summary>Creates the exception.</summary>
    public RelayMisbehavedException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <inheritdoc/>
    public override string ErrorCode => "relay_misbehaved";
}
