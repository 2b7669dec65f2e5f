using System.Security.Cryptography;
using Courier.Node.Wire;

namespace Courier.Node.Reserve;

/// <summary>
/// What a reserve needs to take over a layer (docs/exposure.md, "The reserve cell"), the secret its
/// designation splits: <c>u8 version = 1 | nonce (32) | layer name | relays | mix pins (one per relay,
/// 0 or 32 bytes) | u8 post-quantum | organization map body | authority shares</c> (texts and opaques
/// length-prefixed as <see cref="RecordWriter"/> writes them). The random nonce makes the commitment
/// to the secret (<see cref="ReserveShareMessage.SecretCommitment"/>) hiding: without it, a holder of
/// one share could test guesses of a layer's name and relays against the commitment. Authority shares
/// (the recovery keys of the layer's bulletin authorities) are an empty list in version 1.
/// </summary>
internal sealed record ReserveSecret(string Layer, IReadOnlyList<string> Relays, IReadOnlyList<byte[]> MixPins, bool RequirePostQuantum, byte[] Map)
{
    /// <summary>The largest secret: each share is as long, and goes in one 64 KiB pairwise envelope with its commitments.</summary>
    public const int MaxLength = 48 * 1024;

    public const int NonceLength = 32;

    private const byte Version = 1;

    public IReadOnlyList<byte[]> AuthorityShares { get; init; } = [];

    public byte[] Nonce { get; init; } = RandomNumberGenerator.GetBytes(NonceLength);

    public byte[] Encode()
    {
        using var writer = new RecordWriter(1024 + Map.Length);
        return writer.U8(Version).Fixed(Nonce).Text(Layer).List(Relays.Select(System.Text.Encoding.UTF8.GetBytes).ToList()).List([.. MixPins])
            .U8(RequirePostQuantum ? (byte)1 : (byte)0).Opaque(Map).List([.. AuthorityShares]).ToArray();
    }

    /// <exception cref="MalformedRecordException">The bytes are not a reserve's secret of this version.</exception>
    public static ReserveSecret Decode(ReadOnlySpan<byte> bytes)
    {
        var reader = new RecordReader(bytes, "reserve secret");
        if (reader.U8() != Version)
        {
            throw reader.Error("its version is unknown");
        }

        var nonce = reader.Fixed(NonceLength).ToArray();
        var layer = reader.Text(Cells.CellRecord.MaxNameBytes);
        var relays = reader.List(Cells.LayerRecord.MaxRelays, 1024).Select(System.Text.Encoding.UTF8.GetString).ToList();
        var pins = reader.List(Cells.LayerRecord.MaxRelays, Cells.LayerRecord.MixPinLength);
        var postQuantum = reader.U8() switch
        {
            0 => false,
            1 => true,
            _ => throw reader.Error("its post-quantum flag is unknown"),
        };
        var map = reader.Opaque(MaxLength);
        var authorityShares = reader.List(Cells.LayerRecord.MaxRelays, 1024);
        reader.EnsureEnd();
        if (relays.Count == 0 || pins.Count != relays.Count || pins.Any(p => p.Length is not (0 or Cells.LayerRecord.MixPinLength)))
        {
            throw reader.Error("its relays and mix pins do not match");
        }

        return new ReserveSecret(layer, relays, pins, postQuantum, map) { Nonce = nonce, AuthorityShares = authorityShares };
    }
}
