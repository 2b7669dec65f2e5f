namespace Courier.Node;

/// <summary>A bundle cannot be addressed to a layer: none of its relays has a pinned identity key to seal it to.</summary>
public sealed class NoRelayIdentityException : NodeException
{
    /// <summary>Creates the exception.</summary>
    public NoRelayIdentityException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <inheritdoc/>
    public override string ErrorCode => "no_relay_identity";
}
