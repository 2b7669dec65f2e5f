namespace Courier.Relay.Client;

/// <summary>A rendezvous nameplate allocated by a relay for first contact.</summary>
/// <param name="Number">The short numeric name to tell the other side.</param>
/// <param name="ExpiresAt">When the relay forgets it.</param>
public sealed record Nameplate(int Number, DateTimeOffset ExpiresAt);
