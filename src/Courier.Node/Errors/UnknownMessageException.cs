namespace Courier.Node;

/// <summary>No received message has the given id.</summary>
public sealed class UnknownMessageException : NodeException
{
    /// <summary>Creates the exception.</summary>
    public UnknownMessageException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <inheritdoc/>
    public override string ErrorCode => "unknown_message";
}
