namespace Courier.Frost;

/// <summary>
/// What the coordinator sends every chosen signer in round two (RFC 9591 §5.2): the message and the
/// commitment list, one entry per signer, in ascending identifier order, none twice.
/// </summary>
public sealed class SigningPackage
{
    private readonly byte[] _message;

    /// <summary>The package of these signers' commitments for <paramref name="message"/>.</summary>
    public SigningPackage(IEnumerable<SigningCommitments> commitments, ReadOnlySpan<byte> message)
    {
        var list = commitments.OrderBy(c => c.Identifier).ToArray();
        Identifier.SortedDistinct(list.Select(c => c.Identifier));
        if (list.Length < 2)
        {
            throw new FrostException(FrostError.WrongCount, "A signing package lists at least two signers.");
        }

        Commitments = list;
        Signers = [.. list.Select(c => c.Identifier)];
        _message = message.ToArray();
    }

    /// <summary>The commitment list, in ascending identifier order.</summary>
    public IReadOnlyList<SigningCommitments> Commitments { get; }

    /// <summary>The signers, in ascending order.</summary>
    public IReadOnlyList<Identifier> Signers { get; }

    /// <summary>The message to sign.</summary>
    public byte[] Message => (byte[])_message.Clone();

    internal ReadOnlySpan<byte> MessageBytes => _message;

    /// <summary>
    /// <c>version | kind 5 | u16 count | count × (identifier (32) | hiding commitment (32) | binding commitment (32)) | u32 message length | message</c>.
    /// </summary>
    public byte[] Serialize()
    {
        var w = new WireWriter(WireKind.SigningPackage).U16(Commitments.Count);
        foreach (var c in Commitments)
        {
            c.Write(w);
        }

        return w.U32(_message.Length).Bytes(_message).ToArray();
    }

    /// <summary>Reads <see cref="Serialize"/>'s layout; the list must be in ascending order already.</summary>
    public static SigningPackage Deserialize(ReadOnlySpan<byte> encoded)
    {
        var r = new WireReader(encoded, WireKind.SigningPackage, "signing package");
        var count = r.U16();
        var list = new SigningCommitments[count];
        for (var i = 0; i < count; i++)
        {
            list[i] = SigningCommitments.Read(ref r);
        }

        Identifier.CheckAscending([.. list.Select(c => c.Identifier)]);

        var message = r.Bytes(r.U32());
        r.End();
        return new SigningPackage(list, message);
    }

    internal SigningCommitments CommitmentsOf(Identifier signer) =>
        Commitments.FirstOrDefault(c => c.Identifier.Equals(signer))
        ?? throw new FrostException(FrostError.UnknownIdentifier, $"Participant {signer} is not among the signers.", [signer]);
}
