namespace Courier.Node;

/// <summary>The relay could not be reached or did not answer. Relay adapters throw it for transport failures; nothing the relay had not acknowledged was assumed done.</summary>
public sealed class RelayUnreachableException : NodeException
{
    /// <summary>Creates the exception.</summary>
    public RelayUnreachableException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <inheritdoc/>
    public override string ErrorCode => "relay_unreachable";
}
