namespace Courier.Node;

/// <summary>The vault was written in a format this version of Courier cannot read; nothing in it was read or changed.</summary>
public sealed class VaultFormatException : NodeException
{
    /// <summary>Creates the exception.</summary>
    public VaultFormatException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <inheritdoc/>
    public override string ErrorCode => "vault_format";
}
