namespace Courier.Relay.Storage;

/// <summary>A drop's metadata as the relay needs it for one request.</summary>
/// <param name="ReadKey">The raw Ed25519 public key that signs fetch and trim; empty for a nameplate's open drop.</param>
/// <param name="LastSeq">The sequence number of the last envelope ever appended (0 for none).</param>
public sealed record DropState(ReadOnlyMemory<byte> ReadKey, long LastSeq)
{
    /// <summary>True for a nameplate's drop, which is read without a signature and only through its nameplate.</summary>
    public bool IsOpen => ReadKey.IsEmpty;
}
