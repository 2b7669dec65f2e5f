namespace Courier.Node;

/// <summary>No member of the cell, or of the merged maps, has the given code name.</summary>
public sealed class UnknownMemberException : NodeException
{
    /// <summary>Creates the exception.</summary>
    public UnknownMemberException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <inheritdoc/>
    public override string ErrorCode => "unknown_member";
}
