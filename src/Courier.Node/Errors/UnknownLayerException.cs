namespace Courier.Node;

/// <summary>No layer has the given name, or a cell's layer must be named because there are several.</summary>
public sealed class UnknownLayerException : NodeException
{
    /// <summary>Creates the exception.</summary>
    public UnknownLayerException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <inheritdoc/>
    public override string ErrorCode => "unknown_layer";
}
