using Courier.Frost;
using Courier.Node.Wire;

namespace Courier.Node.Council;

/// <summary>
/// An authority this node holds a share of (collection <see cref="Storage.VaultCollection.AuthorityShare"/>):
/// <c>u8 version = 1 | name | council cell id (16, this node's) | key package (secret) | public key package
/// | u64 last sequence approved | u64 highest sequence requested in the council | SHA-256 of the last header approved (32, or empty) | dealer's contact id (empty: this node dealt) | i64 received at</c>.
/// The last approved header is what this member consents to sign again in a later round; a
/// different header with a number not above it is refused (no two bulletins with one number).
/// </summary>
internal sealed record HeldAuthority(byte[] Id, string Name, byte[] CellId, byte[] KeyPackage, byte[] PublicKeyPackage, ulong LastSequence, ulong SeenSequence, byte[] LastHeader, byte[] Dealer, long ReceivedAt)
{
    private const byte Version = 1;

    /// <summary>The group public key: the authority's Ed25519 key.</summary>
    public byte[] GroupKey => Frost.PublicKeyPackage.Deserialize(PublicKeyPackage).GroupPublicKey;

    public byte[] Encode()
    {
        using var writer = new RecordWriter(KeyPackage.Length + PublicKeyPackage.Length + 512);
        return writer.U8(Version).Text(Name).Fixed(CellId).Opaque(KeyPackage).Opaque(PublicKeyPackage).U64(LastSequence).U64(SeenSequence).Opaque(LastHeader).Opaque(Dealer).I64(ReceivedAt).ToArray();
    }

    /// <exception cref="MalformedRecordException">Not a held authority.</exception>
    public static HeldAuthority Decode(byte[] id, ReadOnlySpan<byte> bytes)
    {
        var reader = new RecordReader(bytes, "held authority");
        if (reader.U8() != Version)
        {
            throw reader.Error("its version is unknown");
        }

        var held = new HeldAuthority(id, reader.Text(Bulletins.BulletinHeader.MaxTitleBytes), reader.Fixed(Storage.Vault.IdSize).ToArray(), reader.Opaque(1024), reader.Opaque(64 * 1024),
            reader.U64(), reader.U64(), reader.Opaque(32), reader.Opaque(Storage.Vault.IdSize), reader.I64());
        reader.EnsureEnd();
        return held;
    }

    /// <summary>The public description (nothing secret).</summary>
    public CouncilAuthority ToInfo(string cell)
    {
        var publicKeys = Frost.PublicKeyPackage.Deserialize(PublicKeyPackage);
        using var key = Frost.KeyPackage.Deserialize(KeyPackage);
        var number = publicKeys.Participants.ToList().IndexOf(key.Identifier) + 1;
        return new CouncilAuthority(Name, Convert.ToHexStringLower(publicKeys.GroupPublicKey), publicKeys.MinSigners, publicKeys.Participants.Count, number, cell, LastSequence, DateTimeOffset.FromUnixTimeSeconds(ReceivedAt));
    }
}
