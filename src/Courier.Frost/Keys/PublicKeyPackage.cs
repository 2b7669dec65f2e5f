namespace Courier.Frost;

/// <summary>
/// What everyone may know of a key: the group public key (an ordinary Ed25519 public key), the threshold,
/// the participants' identifiers and the VSS commitment to the shares' polynomial (RFC 9591 Appendix C.2),
/// from which each participant's verifying share (its public key share, §5.4) follows. Nothing secret.
/// </summary>
public sealed class PublicKeyPackage
{
    private readonly byte[][] _commitment;
    private readonly Dictionary<Identifier, byte[]> _verifyingShares;

    internal PublicKeyPackage(IReadOnlyList<byte[]> commitment, IEnumerable<Identifier> participants)
    {
        Participants = Identifier.SortedDistinct(participants);
        _commitment = [.. commitment];
        Polynomial.CheckThreshold(_commitment.Length, Participants.Count);
        _verifyingShares = Participants.ToDictionary(id => id, id => Polynomial.EvaluateCommitment(_commitment, id.Scalar));
    }

    /// <summary>The group public key: 32 bytes, an Ed25519 public key (the commitment's constant term).</summary>
    public byte[] GroupPublicKey => (byte[])_commitment[0].Clone();

    /// <summary>The threshold: how many participants must sign.</summary>
    public int MinSigners => _commitment.Length;

    /// <summary>Every participant holding a share, in ascending order.</summary>
    public IReadOnlyList<Identifier> Participants { get; }

    internal IReadOnlyList<byte[]> Commitment => _commitment;

    internal ReadOnlySpan<byte> GroupKey => _commitment[0];

    /// <summary>The verifying share (public key share) of <paramref name="participant"/>: its signing share times the base point.</summary>
    public byte[] VerifyingShare(Identifier participant) => (byte[])VerifyingShareOf(participant).Clone();

    internal byte[] VerifyingShareOf(Identifier participant) =>
        _verifyingShares.TryGetValue(participant, out var share)
            ? share
            : throw new FrostException(FrostError.UnknownIdentifier, $"Participant {participant} holds no share of this key.", [participant]);

    /// <summary>
    /// <c>version | kind 2 | u16 min signers t | u16 participants n | n × identifier (32) | t × commitment element (32)</c>.
    /// </summary>
    public byte[] Serialize()
    {
        var w = new WireWriter(WireKind.PublicKeyPackage).U16(MinSigners).U16(Participants.Count);
        foreach (var id in Participants)
        {
            w.Bytes(id.Scalar);
        }

        foreach (var c in _commitment)
        {
            w.Bytes(c);
        }

        return w.ToArray();
    }

    /// <summary>Reads <see cref="Serialize"/>'s layout; every element and identifier is checked, the identifiers must ascend.</summary>
    public static PublicKeyPackage Deserialize(ReadOnlySpan<byte> encoded)
    {
        var r = new WireReader(encoded, WireKind.PublicKeyPackage, "public key package");
        var t = r.U16();
        var n = r.U16();
        Polynomial.CheckThreshold(t, n);
        var ids = new Identifier[n];
        for (var i = 0; i < n; i++)
        {
            ids[i] = r.Identifier();
        }

        Identifier.CheckAscending(ids);

        var commitment = new byte[t][];
        for (var i = 0; i < t; i++)
        {
            commitment[i] = r.Element("A commitment");
        }

        r.End();
        return new PublicKeyPackage(commitment, ids);
    }
}
