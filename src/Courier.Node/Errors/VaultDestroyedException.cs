namespace Courier.Node;

/// <summary>The vault this node had open was destroyed by <see cref="CourierNode.Panic"/> (from this or another process): nothing more is read or written.</summary>
public sealed class VaultDestroyedException : NodeException
{
    /// <summary>Creates the exception.</summary>
    public VaultDestroyedException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <inheritdoc/>
    public override string ErrorCode => "vault_destroyed";
}
