namespace Courier.Relay.Client;

/// <summary>The answer to a fetch.</summary>
/// <param name="Envelopes">The envelopes after the requested sequence number, in order (may be empty after a long-poll timeout).</param>
/// <param name="Last">The sequence number of the last envelope ever appended to the drop.</param>
public sealed record FetchResult(IReadOnlyList<FetchedEnvelope> Envelopes, long Last);
