namespace Courier.Node;

/// <summary>Other members' commits kept winning the cell's epochs; the change was not made.</summary>
public sealed class CellBusyException : NodeException
{
    /// <summary>Creates the exception.</summary>
    public CellBusyException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <inheritdoc/>
    public override string ErrorCode => "cell_busy";
}
