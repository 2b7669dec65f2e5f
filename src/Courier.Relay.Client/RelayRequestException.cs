namespace Courier.Relay.Client;

/// <summary>A relay refused a request: the HTTP status and the relay's error code (see docs/relay-api.md).</summary>
public sealed class RelayRequestException : Exception
{
    /// <summary>Creates the exception from a relay's error answer.</summary>
    public RelayRequestException(int status, string error, string detail)
        : base($"relay answered {status} {error}: {detail}")
    {
        Status = status;
        Error = error;
    }

    /// <summary>The HTTP status code.</summary>
    public int Status { get; }

    /// <summary>The relay's error code, such as <c>no_such_drop</c> or <c>bad_envelope_size</c>.</summary>
    public string Error { get; }
}
