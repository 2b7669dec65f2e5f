namespace Courier.Node;

/// <summary>The vault's files are damaged or do not belong together: a header, database or record failed its integrity check.</summary>
public sealed class VaultCorruptedException : NodeException
{
    /// <summary>Creates the exception.</summary>
    public VaultCorruptedException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <inheritdoc/>
    public override string ErrorCode => "vault_corrupted";
}
