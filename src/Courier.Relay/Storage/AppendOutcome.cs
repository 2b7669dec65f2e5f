namespace Courier.Relay.Storage;

/// <summary>The result of an append.</summary>
/// <param name="Status">What happened.</param>
/// <param name="Seq">The envelope's sequence number (for <see cref="AppendStatus.Appended"/> and <see cref="AppendStatus.Duplicate"/>).</param>
public readonly record struct AppendOutcome(AppendStatus Status, long Seq);
