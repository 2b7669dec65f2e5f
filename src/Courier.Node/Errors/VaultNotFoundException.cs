namespace Courier.Node;

/// <summary>The home directory holds no vault: run init first.</summary>
public sealed class VaultNotFoundException : NodeException
{
    /// <summary>Creates the exception.</summary>
    public VaultNotFoundException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <inheritdoc/>
    public override string ErrorCode => "vault_not_found";
}
