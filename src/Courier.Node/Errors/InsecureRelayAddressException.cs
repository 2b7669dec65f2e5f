namespace Courier.Node;

/// <summary>
/// A relay address is plain <c>http://</c> to another machine, which the node refuses unless
/// <see cref="NodeOptions.AllowInsecureHttp"/> (docs/tls.md): on the way, drop names and message ids
/// would be readable and claimable. Nothing was sent.
/// </summary>
public sealed class InsecureRelayAddressException : NodeException
{
    /// <summary>Creates the exception.</summary>
    public InsecureRelayAddressException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <inheritdoc/>
    public override string ErrorCode => "insecure_relay_address";
}
