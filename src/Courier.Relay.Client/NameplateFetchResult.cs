namespace Courier.Relay.Client;

/// <summary>What one side read from a nameplate.</summary>
/// <param name="Envelopes">The other side's envelopes after the cursor, in order.</param>
/// <param name="Last">The last sequence number the other side posted.</param>
/// <param name="Interfered">True once a third party tried to join the nameplate (someone else knows its number).</param>
public sealed record NameplateFetchResult(IReadOnlyList<FetchedEnvelope> Envelopes, long Last, bool Interfered);
