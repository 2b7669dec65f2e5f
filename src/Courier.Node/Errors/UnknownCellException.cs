namespace Courier.Node;

/// <summary>No cell has the given name.</summary>
public sealed class UnknownCellException : NodeException
{
    /// <summary>Creates the exception.</summary>
    public UnknownCellException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <inheritdoc/>
    public override string ErrorCode => "unknown_cell";
}
