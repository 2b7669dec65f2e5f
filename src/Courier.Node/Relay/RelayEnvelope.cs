namespace Courier.Node.Relay;

/// <summary>One envelope read from a nameplate or dead drop.</summary>
/// <param name="Seq">Its position in the mailbox's log: 1, 2, 3, ... without gaps.</param>
/// <param name="Data">The envelope exactly as posted.</param>
public sealed record RelayEnvelope(long Seq, byte[] Data);
