namespace Courier.Node;

/// <summary>No bulletin this node accepted has the id given, or several start with it.</summary>
public sealed class UnknownBulletinException : NodeException
{
    /// <summary>Creates the exception.</summary>
    public UnknownBulletinException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <inheritdoc/>
    public override string ErrorCode => "unknown_bulletin";
}
