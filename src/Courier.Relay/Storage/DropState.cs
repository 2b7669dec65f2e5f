namespace Courier.Relay.Storage;

/// <summary>A drop's metadata as the relay needs it for one request.</summary>
/// <param name="Keys">
/// The drop's public keys as stored: its Ed25519 read key (32 bytes), followed by its append key
/// (32 bytes) when it was created write-authorized; empty for a nameplate's open drop. Stores keep
/// it as one opaque value.
/// </param>
/// <param name="LastSeq">The sequence number of the last envelope ever appended (0 for none).</param>
public sealed record DropState(ReadOnlyMemory<byte> Keys, long LastSeq)
{
    /// <summary>Length of <see cref="Keys"/> for a write-authorized drop.</summary>
    public const int WriteAuthorizedKeysSize = 64;

    /// <summary>True for a nameplate's drop, which is read without a signature and only through its nameplate.</summary>
    public bool IsOpen => Keys.IsEmpty;

    /// <summary>The key that signs fetch (and trim, on a drop without an append key).</summary>
    public ReadOnlyMemory<byte> ReadKey => Keys[..Math.Min(Keys.Length, 32)];

    /// <summary>The key that signs appends; empty for a drop created without one, to which anyone may append.</summary>
    public ReadOnlyMemory<byte> AppendKey => AppendKeyOf(Keys);

    /// <summary>The append key within stored keys (<see cref="Keys"/>); empty when there is none.</summary>
    public static ReadOnlyMemory<byte> AppendKeyOf(ReadOnlyMemory<byte> keys) => keys.Length == WriteAuthorizedKeysSize ? keys[32..] : ReadOnlyMemory<byte>.Empty;

    /// <summary>The stored keys of a drop: the read key, then the append key if any.</summary>
    public static byte[] Encode(ReadOnlySpan<byte> readKey, ReadOnlySpan<byte> appendKey) => [.. readKey, .. appendKey];
}
