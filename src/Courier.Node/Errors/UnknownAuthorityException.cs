namespace Courier.Node;

/// <summary>This node holds no share of that authority, or knows no signing request by that id.</summary>
public sealed class UnknownAuthorityException : NodeException
{
    /// <summary>Creates the exception.</summary>
    public UnknownAuthorityException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <inheritdoc/>
    public override string ErrorCode => "unknown_authority";
}
