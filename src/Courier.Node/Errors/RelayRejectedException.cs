namespace Courier.Node;

/// <summary>The relay answered but refused a request (an unknown dead drop, a bad signature, a wrong size). The message carries the relay's reason.</summary>
public sealed class RelayRejectedException : NodeException
{
    /// <summary>Creates the exception.</summary>
    public RelayRejectedException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <summary>Creates the exception with the relay's error code.</summary>
    public RelayRejectedException(string message, string? relayError, Exception? inner = null)
        : base(message, inner)
    {
        RelayError = relayError;
    }

    /// <summary>The relay's error code (docs/relay-api.md, "Errors"), such as <c>no_such_drop</c> or <c>out_of_range</c>, when it gave one.</summary>
    public string? RelayError { get; }

    /// <inheritdoc/>
    public override string ErrorCode => "relay_rejected";
}
