namespace Courier.Node;

/// <summary>A cell or layer of that name already exists; nothing was changed.</summary>
public sealed class NameTakenException : NodeException
{
    /// <summary>Creates the exception.</summary>
    public NameTakenException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <inheritdoc/>
    public override string ErrorCode => "name_taken";
}
