namespace Courier.Node;

/// <summary>The relay answered but refused a request (an unknown dead drop, a bad signature, a wrong size). The message carries the relay's reason.</summary>
public sealed class RelayRejectedException : NodeException
{
    /// <summary>Creates the exception.</summary>
    public RelayRejectedException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <inheritdoc/>
    public override string ErrorCode => "relay_rejected";
}
