using System.Security.Cryptography;

namespace Courier.Frost;

/// <summary>
/// A dealer's broadcast in the distributed key generation and in resharing: the VSS commitment to its
/// polynomial (RFC 9591 Appendix C.2) and a Schnorr proof of knowledge of the polynomial's constant term
/// (the FROST paper, Komlo and Goldberg 2020, KeyGen round 1, as frost-core encodes it: challenge
/// HDKG(identifier || C_0 || R)). Public.
/// </summary>
public sealed class DkgCommitment
{
    private readonly byte[][] _commitment;
    private readonly byte[] _proofR;
    private readonly byte[] _proofZ;

    private DkgCommitment(Identifier identifier, byte[][] commitment, byte[] proofR, byte[] proofZ)
    {
        Identifier = identifier;
        _commitment = commitment;
        _proofR = proofR;
        _proofZ = proofZ;
    }

    /// <summary>The dealer.</summary>
    public Identifier Identifier { get; }

    /// <summary>The threshold the dealer's polynomial shares for: its number of coefficients.</summary>
    public int MinSigners => _commitment.Length;

    internal IReadOnlyList<byte[]> Commitment => _commitment;

    /// <summary>
    /// Commits to <paramref name="coefficients"/> and proves knowledge of the first: k random, R = k·B,
    /// c = HDKG(id || C_0 || R), z = k + a_0 · c.
    /// </summary>
    internal static DkgCommitment Create(Identifier identifier, IReadOnlyList<byte[]> coefficients, RandomSource random)
    {
        var commitment = Polynomial.Commit(coefficients);
        var k = Group.RandomScalar(random);
        var r = Group.BaseMult(k);
        var c = Challenge(identifier, commitment[0], r);
        var product = Group.Mul(coefficients[0], c);
        var z = Group.Add(k, product);
        Polynomial.Wipe([k, product]);
        return new DkgCommitment(identifier, commitment, r, z);
    }

    /// <summary>The proof verifies: z · B = R + c · C_0.</summary>
    internal bool ProofVerifies() =>
        !Group.IsZero(_proofZ)
        && CryptographicOperations.FixedTimeEquals(
            Group.BaseMult(_proofZ),
            Group.AddElements(_proofR, Group.Mult(Challenge(Identifier, _commitment[0], _proofR), _commitment[0])));

    private static byte[] Challenge(Identifier identifier, byte[] c0, byte[] r) => Ciphersuite.HDkg([.. identifier.Scalar, .. c0, .. r]);

    /// <summary><c>version | kind 7 | identifier (32) | u16 t | t × commitment element (32) | proof R (32) | proof z (32)</c>.</summary>
    public byte[] Serialize()
    {
        var w = new WireWriter(WireKind.DkgCommitment).Bytes(Identifier.Scalar).U16(_commitment.Length);
        foreach (var c in _commitment)
        {
            w.Bytes(c);
        }

        return w.Bytes(_proofR).Bytes(_proofZ).ToArray();
    }

    /// <summary>Reads <see cref="Serialize"/>'s layout; elements and the scalar are checked, the proof is checked by the receiver's round.</summary>
    public static DkgCommitment Deserialize(ReadOnlySpan<byte> encoded)
    {
        var r = new WireReader(encoded, WireKind.DkgCommitment, "DKG commitment");
        var id = r.Identifier();
        var t = r.U16();
        if (t < 2)
        {
            throw new FrostException(FrostError.ThresholdOutOfRange, "A threshold is at least 2.");
        }

        var commitment = new byte[t][];
        for (var i = 0; i < t; i++)
        {
            commitment[i] = r.Element("A commitment");
        }

        var proofR = r.Element("The proof's commitment");
        var proofZ = r.Scalar("The proof's response");
        r.End();
        return new DkgCommitment(id, commitment, proofR, proofZ);
    }
}
