namespace Courier.Node;

/// <summary>First contact did not complete for a reason other than a wrong code: the other side did not answer in time, or sent something that is not a valid first-contact message. Nothing was stored.</summary>
public sealed class FirstContactFailedException : NodeException
{
    /// <summary>Creates the exception.</summary>
    public FirstContactFailedException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <inheritdoc/>
    public override string ErrorCode => "first_contact_failed";
}
