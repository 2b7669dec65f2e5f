namespace Courier.Node;

/// <summary>
/// A member was away longer than the relay keeps messages: the relay deleted what it had not read,
/// and it could not rejoin the cell on its own (docs/cells.md, "Falling behind and rejoining").
/// </summary>
public sealed class FellBehindException : NodeException
{
    /// <summary>Creates the exception.</summary>
    public FellBehindException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <inheritdoc/>
    public override string ErrorCode => "fell_behind";
}
