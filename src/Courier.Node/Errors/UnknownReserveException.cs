namespace Courier.Node;

/// <summary>This node holds no share of a reserve with that id (<c>courier reserve list</c> shows those it holds).</summary>
public sealed class UnknownReserveException : NodeException
{
    /// <summary>Creates the exception.</summary>
    public UnknownReserveException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <inheritdoc/>
    public override string ErrorCode => "unknown_reserve";
}
