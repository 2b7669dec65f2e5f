namespace Courier.Node;

/// <summary>
/// First contact failed because a third party used the invitation's nameplate: it joined before the
/// acceptor, or tried to join beside the two sides. Nothing was stored; the inviter must start a new
/// invitation (and share the code privately).
/// </summary>
public sealed class InterferenceException : NodeException
{
    /// <summary>Creates the exception.</summary>
    public InterferenceException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <inheritdoc/>
    public override string ErrorCode => "interference";
}
