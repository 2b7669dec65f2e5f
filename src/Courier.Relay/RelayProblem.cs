namespace Courier.Relay;

/// <summary>A refusal with its HTTP status and error code; the error middleware turns it into a JSON answer.</summary>
internal sealed class RelayProblem(int status, string error, string detail) : Exception(detail)
{
    public int Status { get; } = status;

    public string Error { get; } = error;

    /// <summary>Seconds for a <c>Retry-After</c> header, or null for none.</summary>
    public int? RetryAfter { get; init; }

    public static RelayProblem BadRequest(string error, string detail) => new(400, error, detail);
}
