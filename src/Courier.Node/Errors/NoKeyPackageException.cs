namespace Courier.Node;

/// <summary>A contact has no unused KeyPackage left to add them to a cell with.</summary>
public sealed class NoKeyPackageException : NodeException
{
    /// <summary>Creates the exception.</summary>
    public NoKeyPackageException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <inheritdoc/>
    public override string ErrorCode => "no_key_package";
}
