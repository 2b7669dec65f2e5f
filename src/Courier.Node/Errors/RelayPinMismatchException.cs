namespace Courier.Node;

/// <summary>
/// The relay's TLS certificate does not match the pin in its address (docs/tls.md): someone may be
/// intercepting the connection, or the relay's key changed. Nothing was sent, and it is not retried.
/// </summary>
public sealed class RelayPinMismatchException : NodeException
{
    /// <summary>Creates the exception.</summary>
    public RelayPinMismatchException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <inheritdoc/>
    public override string ErrorCode => "relay_pin_mismatch";
}
