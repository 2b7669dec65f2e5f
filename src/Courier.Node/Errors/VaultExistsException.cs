namespace Courier.Node;

/// <summary>Init was asked for a home directory that already holds a vault; nothing was changed.</summary>
public sealed class VaultExistsException : NodeException
{
    /// <summary>Creates the exception.</summary>
    public VaultExistsException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <inheritdoc/>
    public override string ErrorCode => "vault_exists";
}
