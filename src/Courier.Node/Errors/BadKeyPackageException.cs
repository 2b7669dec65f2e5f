namespace Courier.Node;

/// <summary>A contact's KeyPackage is invalid; it was not used.</summary>
public sealed class BadKeyPackageException : NodeException
{
    /// <summary>Creates the exception.</summary>
    public BadKeyPackageException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <inheritdoc/>
    public override string ErrorCode => "bad_key_package";
}
