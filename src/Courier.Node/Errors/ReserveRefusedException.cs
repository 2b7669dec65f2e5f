namespace Courier.Node;

/// <summary>
/// A reserve cannot be designated (docs/exposure.md, "The reserve cell"): fewer than 2 members, a
/// threshold out of range, more than a share carries, or this node left the reserve cell; nothing was sent.
/// </summary>
public sealed class ReserveRefusedException : NodeException
{
    /// <summary>Creates the exception.</summary>
    public ReserveRefusedException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <inheritdoc/>
    public override string ErrorCode => "reserve_refused";
}
