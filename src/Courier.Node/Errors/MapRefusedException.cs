namespace Courier.Node;

/// <summary>A map file was refused: not a map, altered, or sealed to another analyst.</summary>
public sealed class MapRefusedException : NodeException
{
    /// <summary>Creates the exception.</summary>
    public MapRefusedException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <inheritdoc/>
    public override string ErrorCode => "map_refused";
}
