namespace Courier.Node;

/// <summary>A message is too large for one envelope; nothing was sent.</summary>
public sealed class MessageTooLargeException : NodeException
{
    /// <summary>Creates the exception.</summary>
    public MessageTooLargeException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <inheritdoc/>
    public override string ErrorCode => "message_too_large";
}
