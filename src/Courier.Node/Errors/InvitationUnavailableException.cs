namespace Courier.Node;

/// <summary>The invitation's nameplate is unknown to the relay: it expired, was already used or burned, or the number is wrong.</summary>
public sealed class InvitationUnavailableException : NodeException
{
    /// <summary>Creates the exception.</summary>
    public InvitationUnavailableException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <inheritdoc/>
    public override string ErrorCode => "invitation_unavailable";
}
