namespace Courier.Relay.Storage;

/// <summary>One envelope read back from a store.</summary>
/// <param name="Seq">Its sequence number in the drop.</param>
/// <param name="Data">The bytes as appended.</param>
public sealed record StoredEnvelope(long Seq, byte[] Data);
