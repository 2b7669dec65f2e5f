using System.Security.Cryptography;
using Courier.Node.Wire;

namespace Courier.Node.Contacts;

/// <summary>
/// What one side of a new relationship gives the other (docs/node.md, "Contact offer"): the code
/// name it will be known by, its pairwise Ed25519 public key, the name of the dead drop the other
/// side should deliver to (its read key stays with the sender), and MLS KeyPackages for adding it to
/// cells. Signed with the pairwise key over a context that binds it to one first contact or one
/// introduction, so it proves possession of the key and cannot be replayed into another session.
/// <code>
/// u16 version = 1 | code_name | signing_key (32) | drop (32) | key_packages&lt;count&gt; | signature (64)
/// </code>
/// </summary>
internal sealed class ContactOffer
{
    public const ushort Version = 1;
    public const int MaxKeyPackages = 4;
    public const int MaxKeyPackageSize = 4096;
    public const int DropNameSize = 32;

    private ContactOffer(string codeName, byte[] signingKey, byte[] dropName, IReadOnlyList<byte[]> keyPackages, byte[] signature)
    {
        CodeName = codeName;
        SigningKey = signingKey;
        DropName = dropName;
        KeyPackages = keyPackages;
        Signature = signature;
    }

    public string CodeName { get; }

    public byte[] SigningKey { get; }

    public byte[] DropName { get; }

    public IReadOnlyList<byte[]> KeyPackages { get; }

    public byte[] Signature { get; }

    /// <summary>Builds and signs an offer with the pairwise signing seed.</summary>
    public static ContactOffer Create(string codeName, ReadOnlySpan<byte> signingSeed, byte[] dropName, IReadOnlyList<byte[]> keyPackages, ReadOnlySpan<byte> context)
    {
        var signingKey = Ed25519.PublicKeyOf(signingSeed);
        var signature = Ed25519.Sign(signingSeed, SignedContent(codeName, signingKey, dropName, keyPackages, context));
        return new ContactOffer(codeName, signingKey, dropName, keyPackages, signature);
    }

    /// <summary>Decodes an offer and checks its signature for <paramref name="context"/>.</summary>
    /// <exception cref="MalformedRecordException">The bytes are not an offer, or its signature does not verify.</exception>
    public static ContactOffer DecodeAndVerify(ReadOnlySpan<byte> bytes, ReadOnlySpan<byte> context)
    {
        var reader = new RecordReader(bytes, "contact offer");
        if (reader.U16() != Version)
        {
            throw reader.Error("its version is unknown");
        }

        var codeName = reader.Text(CodeNames.MaxBytes);
        var signingKey = reader.OpaqueExactly(Ed25519.PublicKeySize);
        var dropName = reader.OpaqueExactly(DropNameSize);
        var keyPackages = reader.List(MaxKeyPackages, MaxKeyPackageSize);
        var signature = reader.OpaqueExactly(Ed25519.SignatureSize);
        reader.EnsureEnd();
        if (!CodeNames.IsValid(codeName))
        {
            throw reader.Error("its code name is not valid");
        }

        if (!Ed25519.Verify(signingKey, SignedContent(codeName, signingKey, dropName, keyPackages, context), signature))
        {
            throw reader.Error("its signature does not verify");
        }

        return new ContactOffer(codeName, signingKey, dropName, keyPackages, signature);
    }

    public byte[] Encode()
    {
        using var writer = new RecordWriter(1024);
        WriteFields(writer, CodeName, SigningKey, DropName, KeyPackages);
        writer.Opaque(Signature);
        return writer.ToArray();
    }

    /// <summary>A digest of the encoded offer, for binding later keys to both offers.</summary>
    public byte[] Digest() => SHA256.HashData(Encode());

    private static byte[] SignedContent(string codeName, byte[] signingKey, byte[] dropName, IReadOnlyList<byte[]> keyPackages, ReadOnlySpan<byte> context)
    {
        using var writer = new RecordWriter(1024);
        writer.Fixed("courier contact offer v1"u8).Opaque(context);
        WriteFields(writer, codeName, signingKey, dropName, keyPackages);
        return writer.ToArray();
    }

    private static void WriteFields(RecordWriter writer, string codeName, byte[] signingKey, byte[] dropName, IReadOnlyList<byte[]> keyPackages)
        => writer.U16(Version).Text(codeName).Opaque(signingKey).Opaque(dropName).List(keyPackages.ToList());

    /// <inheritdoc/>
    public override string ToString() => "ContactOffer";
}
