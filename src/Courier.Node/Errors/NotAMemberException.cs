namespace Courier.Node;

/// <summary>This node is no longer a member of the cell (it was removed, or it left).</summary>
public sealed class NotAMemberException : NodeException
{
    /// <summary>Creates the exception.</summary>
    public NotAMemberException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <inheritdoc/>
    public override string ErrorCode => "not_a_member";
}
