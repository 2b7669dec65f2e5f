namespace Courier.Node;

/// <summary>First contact failed because the two sides did not use the same code. Nothing was stored, and the invitation's nameplate is burned: the inviter must start a new invitation.</summary>
public sealed class WrongCodeException : NodeException
{
    /// <summary>Creates the exception.</summary>
    public WrongCodeException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <inheritdoc/>
    public override string ErrorCode => "wrong_code";
}
