using Courier.Node.Storage;
using Courier.Node.Wire;

namespace Courier.Node.Bundles;

/// <summary>
/// The cover images this node hid bundles in, remembered by digest so that none is used twice: two
/// stego images of one photograph differ where the payload was put (docs/covers.md). Kept in the
/// vault (collection <see cref="VaultCollection.UsedCover"/>: <c>u16 version = 1 | digest[32]</c>), never
/// in a file beside it: a list of digests would confirm which photographs carried something.
/// </summary>
internal static class UsedCovers
{
    private const ushort Version = 1;
    private const int DigestSize = 32;

    public static List<byte[]> All(Vault vault) => vault.ReadAll(VaultCollection.UsedCover, Decode);

    public static void Remember(Vault vault, IEnumerable<byte[]> digests)
    {
        using var transaction = vault.Begin();
        foreach (var digest in digests)
        {
            ArgumentOutOfRangeException.ThrowIfNotEqual(digest.Length, DigestSize, nameof(digests));
            using var writer = new RecordWriter(2 + DigestSize);
            transaction.PutWiped(VaultCollection.UsedCover, Vault.NewId(), writer.U16(Version).Fixed(digest).ToArray(), Convert.ToHexString(digest));
        }

        transaction.Commit();
    }

    private static byte[] Decode(byte[] id, ReadOnlySpan<byte> plaintext)
    {
        var reader = new RecordReader(plaintext, "used cover");
        if (reader.U16() != Version)
        {
            throw reader.Error("its version is unknown");
        }

        var digest = reader.Fixed(DigestSize).ToArray();
        reader.EnsureEnd();
        return digest;
    }
}
