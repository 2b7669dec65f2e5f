namespace Courier.Node;

/// <summary>The text is not an invitation code (a nameplate number, a dash, then the words or phrase).</summary>
public sealed class InvalidCodeException : NodeException
{
    /// <summary>Creates the exception.</summary>
    public InvalidCodeException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <inheritdoc/>
    public override string ErrorCode => "invalid_code";
}
