namespace Courier.Node;

/// <summary>No contact has the given id or name, or the name belongs to several contacts.</summary>
public sealed class UnknownContactException : NodeException
{
    /// <summary>Creates the exception.</summary>
    public UnknownContactException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <inheritdoc/>
    public override string ErrorCode => "unknown_contact";
}
