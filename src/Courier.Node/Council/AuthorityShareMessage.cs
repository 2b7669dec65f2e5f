using System.Security.Cryptography;
using Courier.Frost;
using Courier.Node.Wire;

namespace Courier.Node.Council;

/// <summary>
/// One council member's share of an authority, as the dealer sends it through the pairwise channel
/// with that member alone (type <see cref="Introductions.PairwiseMessageType.AuthorityShare"/>):
/// <c>u8 version = 1 | name | council cell key (16) | key package (secret) | public key package</c>.
/// The key package is checked against the public key package when read (RFC 9591 Appendix C.2, vss_verify).
/// </summary>
internal sealed record AuthorityShareMessage(string Name, byte[] CellKey, byte[] KeyPackage, byte[] PublicKeyPackage)
{
    public const int CellKeyLength = 16;

    private const byte Version = 1;

    public byte[] Encode()
    {
        using var writer = new RecordWriter(KeyPackage.Length + PublicKeyPackage.Length + 512);
        return writer.U8(Version).Text(Name).Fixed(CellKey).Opaque(KeyPackage).Opaque(PublicKeyPackage).ToArray();
    }

    /// <exception cref="MalformedRecordException">Not a share, or a share that does not belong to its public key package.</exception>
    public static AuthorityShareMessage Decode(ReadOnlySpan<byte> bytes)
    {
        var reader = new RecordReader(bytes, "authority share");
        if (reader.U8() != Version)
        {
            throw reader.Error("its version is unknown");
        }

        var message = new AuthorityShareMessage(reader.Text(Bulletins.BulletinHeader.MaxTitleBytes), reader.Fixed(CellKeyLength).ToArray(), reader.Opaque(1024), reader.Opaque(64 * 1024));
        reader.EnsureEnd();
        try
        {
            using var key = Frost.KeyPackage.Deserialize(message.KeyPackage);
            key.CheckAgainst(Frost.PublicKeyPackage.Deserialize(message.PublicKeyPackage));
        }
        catch (FrostException)
        {
            throw reader.Error("its share does not belong to its public key");
        }

        return message;
    }

    /// <summary>The first 16 bytes of SHA-256 of a label and the council cell's MLS group id: how members find the cell, which they may name differently.</summary>
    public static byte[] KeyOfCell(byte[] groupId)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData("courier council cell v1"u8);
        hash.AppendData(groupId);
        return hash.GetHashAndReset()[..CellKeyLength];
    }
}
