using Courier.Mls.Group;
using Courier.Node.Storage;
using Courier.Node.Wire;
using Courier.Relay.Client;

namespace Courier.Node.Cells;

/// <summary>
/// "Add me back to this cell" (docs/cells.md, "Added back"), sent through the pairwise channel by a
/// member that fell behind across a change of membership and found no way back. It names the cell
/// by its MLS group id (both sides know it; the pairwise envelope hides it from the relay), carries a
/// fresh KeyPackage with the member's code name in the cell's ciphersuite, and is signed with
/// <c>SignWithLabel</c> (RFC 9420 §5.1.2) by the member's old leaf signature key: only the holder of
/// that leaf can ask for it to be replaced, whoever relays the request.
/// Encoded <c>opaque group_id || opaque key_package || opaque signature</c>.
/// </summary>
internal sealed record ReAddRequest(byte[] GroupId, byte[] KeyPackage, byte[] Signature)
{
    /// <summary>The SignWithLabel label: no MLS signature uses it.</summary>
    public const string SignatureLabel = "courier re-add request";

    private const int MaxGroupId = 256;

    /// <summary>Signs a request with <paramref name="group"/>'s own leaf key: the group this member fell behind in.</summary>
    public static ReAddRequest Sign(MlsGroup group, byte[] keyPackage)
    {
        var groupId = group.GroupId;
        return new ReAddRequest(groupId, keyPackage, group.SignAsMember(SignatureLabel, SignedContent(groupId, keyPackage)));
    }

    /// <summary>Whether the request is signed by <paramref name="member"/>'s leaf in <paramref name="group"/>.</summary>
    public bool IsSignedBy(MlsGroup group, GroupMember member) => group.VerifyMemberSignature(member, SignatureLabel, SignedContent(GroupId, KeyPackage), Signature);

    public byte[] Encode()
    {
        using var writer = new RecordWriter(KeyPackage.Length + Signature.Length + GroupId.Length + 16);
        return writer.Opaque(GroupId).Opaque(KeyPackage).Opaque(Signature).ToArray();
    }

    /// <summary>The request, or null when the bytes are not one.</summary>
    public static ReAddRequest? TryDecode(ReadOnlySpan<byte> bytes)
    {
        try
        {
            var reader = new RecordReader(bytes, "re-add request");
            var request = new ReAddRequest(reader.Opaque(MaxGroupId), reader.Opaque(EnvelopeSizes.Max), reader.Opaque(1024));
            reader.EnsureEnd();
            return request;
        }
        catch (MalformedRecordException)
        {
            return null;
        }
    }

    private static byte[] SignedContent(byte[] groupId, byte[] keyPackage)
    {
        using var writer = new RecordWriter(groupId.Length + keyPackage.Length + 16);
        return writer.Opaque(groupId).Opaque(keyPackage).ToArray();
    }
}

/// <summary>A request received from a contact, kept until the cell it names is synced (<see cref="VaultCollection.ReAddRequest"/>). Encoded <c>contact id (16) || opaque request</c>.</summary>
internal sealed record ReceivedReAdd(byte[] Id, byte[] ContactId, ReAddRequest Request)
{
    public byte[] Encode()
    {
        using var writer = new RecordWriter(Request.KeyPackage.Length + 1024);
        return writer.Fixed(ContactId).Opaque(Request.Encode()).ToArray();
    }

    /// <exception cref="MalformedRecordException">The plaintext is not one.</exception>
    public static ReceivedReAdd Decode(byte[] id, ReadOnlySpan<byte> bytes)
    {
        var reader = new RecordReader(bytes, "received re-add request");
        var contact = reader.Fixed(Vault.IdSize).ToArray();
        var request = ReAddRequest.TryDecode(reader.Opaque(EnvelopeSizes.Max * 2)) ?? throw reader.Error("its request is malformed");
        reader.EnsureEnd();
        return new ReceivedReAdd(id, contact, request);
    }
}

/// <summary>The KeyPackage this member sent with its request, kept until a Welcome uses it (<see cref="VaultCollection.ReAddBundle"/>). Encoded <c>cell id (16) || opaque bundle</c>.</summary>
internal sealed record ReAddBundle(byte[] Id, byte[] CellId, byte[] Bundle)
{
    public byte[] Encode()
    {
        using var writer = new RecordWriter(Bundle.Length + 64);
        return writer.Fixed(CellId).Opaque(Bundle).ToArray();
    }

    /// <exception cref="MalformedRecordException">The plaintext is not one.</exception>
    public static ReAddBundle Decode(byte[] id, ReadOnlySpan<byte> bytes)
    {
        var reader = new RecordReader(bytes, "re-add bundle");
        var bundle = new ReAddBundle(id, reader.Fixed(Vault.IdSize).ToArray(), reader.Opaque(EnvelopeSizes.Max * 2));
        reader.EnsureEnd();
        return bundle;
    }
}
