using System.Security.Cryptography;
using Courier.Node.Wire;

namespace Courier.Node.Reserve;

/// <summary>
/// One member's share of a reserve, as its designator sends it through the pairwise channel with that
/// member alone (type <see cref="Introductions.PairwiseMessageType.ReserveShare"/>) and as the member
/// keeps it: <c>u8 version = 1 | reserve id (16) | reserve cell key (16) | u8 k | u8 n | share (u8 x | u8 k | y)
/// | secret commitment (32) | share commitments (n × 32, by x)</c>. The commitments are made at
/// designation: the secret's names a wrong reconstruction, each share's names the member whose share is
/// wrong. Neither reveals anything of the secret (its nonce is 32 random bytes).
/// </summary>
internal sealed record ReserveShareMessage(byte[] ReserveId, byte[] CellKey, int Threshold, int Count, ShamirShare Share, byte[] SecretCommitment, IReadOnlyList<byte[]> ShareCommitments)
{
    public const int IdLength = 16;

    private const byte Version = 1;

    public byte[] Encode()
    {
        using var writer = new RecordWriter(Share.Y.Length + 128 + (Count * 32));
        return writer.U8(Version).Fixed(ReserveId).Fixed(CellKey).U8((byte)Threshold).U8((byte)Count).Opaque(Share.Encode())
            .Fixed(SecretCommitment).List([.. ShareCommitments]).ToArray();
    }

    /// <summary>Decodes a share and checks it against its own commitment, threshold and count.</summary>
    /// <exception cref="MalformedRecordException">Not a share of this version, or one inconsistent with itself.</exception>
    public static ReserveShareMessage Decode(ReadOnlySpan<byte> bytes)
    {
        var reader = new RecordReader(bytes, "reserve share");
        if (reader.U8() != Version)
        {
            throw reader.Error("its version is unknown");
        }

        var (id, cell, k, n) = (reader.Fixed(IdLength).ToArray(), reader.Fixed(IdLength).ToArray(), reader.U8(), reader.U8());
        var encoded = reader.OpaqueSpan(ReserveSecret.MaxLength + 2);
        var share = encoded.Length < 3 ? throw reader.Error("its share is too short") : ShamirShare.Decode(encoded);
        var message = new ReserveShareMessage(id, cell, k, n, share, reader.Fixed(32).ToArray(), reader.List(255, 32));
        reader.EnsureEnd();
        if (k < 2 || n < k || share.Threshold != k || share.X < 1 || share.X > n || message.ShareCommitments.Count != n
            || message.ShareCommitments.Any(c => c.Length != 32)
            || !CryptographicOperations.FixedTimeEquals(message.ShareCommitments[share.X - 1], CommitShare(id, share)))
        {
            throw reader.Error("its threshold, count or commitments do not match its share");
        }

        return message;
    }

    /// <summary>SHA-256 of a label, the reserve's id, x and y: what each share is checked against at activation.</summary>
    public static byte[] CommitShare(byte[] reserveId, ShamirShare share) => Hash("courier reserve share v1"u8, reserveId, [share.X], share.Y);

    /// <summary>SHA-256 of a label, the reserve's id and the secret: what a reconstruction is checked against.</summary>
    public static byte[] CommitSecret(byte[] reserveId, byte[] secret) => Hash("courier reserve secret v1"u8, reserveId, secret);

    /// <summary>The first 16 bytes of SHA-256 of a label and the reserve cell's MLS group id: how members find the cell, which they may name differently.</summary>
    public static byte[] KeyOfCell(byte[] groupId) => Hash("courier reserve cell v1"u8, groupId)[..IdLength];

    private static byte[] Hash(ReadOnlySpan<byte> label, params byte[][] parts)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(label);
        foreach (var part in parts)
        {
            hash.AppendData(part);
        }

        return hash.GetHashAndReset();
    }
}

/// <summary>A share as a member's vault keeps it (collection <see cref="Storage.VaultCollection.ReserveShare"/>): <c>u8 version = 1 | designator's contact id (16) | i64 received at | message</c>.</summary>
internal sealed record StoredReserveShare(byte[] Id, byte[] DesignatorId, long ReceivedAt, ReserveShareMessage Message)
{
    private const byte Version = 1;

    public byte[] Encode()
    {
        using var writer = new RecordWriter(Message.Share.Y.Length + 256);
        return writer.U8(Version).Fixed(DesignatorId).I64(ReceivedAt).Opaque(Message.Encode()).ToArray();
    }

    /// <exception cref="MalformedRecordException">The plaintext is not a stored share.</exception>
    public static StoredReserveShare Decode(byte[] id, ReadOnlySpan<byte> bytes)
    {
        var reader = new RecordReader(bytes, "stored reserve share");
        if (reader.U8() != Version)
        {
            throw reader.Error("its version is unknown");
        }

        var stored = new StoredReserveShare(id, reader.Fixed(Storage.Vault.IdSize).ToArray(), reader.I64(), ReserveShareMessage.Decode(reader.OpaqueSpan(64 * 1024)));
        reader.EnsureEnd();
        return stored;
    }
}
