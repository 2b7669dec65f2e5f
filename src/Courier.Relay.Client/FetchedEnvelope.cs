namespace Courier.Relay.Client;

/// <summary>One stored envelope and its sequence number.</summary>
/// <param name="Seq">Position in the drop's log (1, 2, 3, ... with no gaps).</param>
/// <param name="Data">The envelope, exactly as appended.</param>
public sealed record FetchedEnvelope(long Seq, byte[] Data);
