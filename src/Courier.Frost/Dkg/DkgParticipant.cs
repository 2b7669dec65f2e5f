namespace Courier.Frost;

/// <summary>
/// One participant of the distributed key generation (Pedersen's DKG with proofs of knowledge: the FROST
/// paper, Komlo and Goldberg 2020, §5.1 KeyGen; frost-core's dkg module and @noble/curves' DKG are wire-
/// compatible in their values). No one ever holds the group secret: each participant i draws its own
/// polynomial f_i of degree t − 1, and the group secret Σ f_i(0) exists only as shares.
/// <list type="number">
/// <item><see cref="Start"/>: draw f_i, broadcast <see cref="Commitment"/> (VSS commitment + proof of knowledge of f_i(0)).</item>
/// <item><see cref="Round2"/>: given everyone else's commitment, check each proof (a participant whose proof fails is
/// named in <see cref="FrostException.Culprits"/>), then send f_i(l) to each other participant l, privately.</item>
/// <item><see cref="Finish"/>: given the share from everyone else, check each against its sender's commitment
/// (vss_verify; a sender of a bad share is named), and sum: s_i = Σ_l f_l(i), group key Σ_l C_l0.</item>
/// </list>
/// Every participant must see the same commitments (a broadcast channel that shows everyone the same bytes).
/// Dispose wipes the polynomial; <see cref="Finish"/> wipes it too.
/// </summary>
public sealed class DkgParticipant : IDisposable
{
    private readonly byte[][] _coefficients;
    private readonly int _maxSigners;
    private DkgCommitment[]? _others;

    private DkgParticipant(Identifier identifier, byte[][] coefficients, int maxSigners, RandomSource random)
    {
        Identifier = identifier;
        _coefficients = coefficients;
        _maxSigners = maxSigners;
        Commitment = DkgCommitment.Create(identifier, coefficients, random);
    }

    /// <summary>This participant.</summary>
    public Identifier Identifier { get; }

    /// <summary>Round one's broadcast.</summary>
    public DkgCommitment Commitment { get; }

    /// <summary>Round one: a fresh polynomial for a <paramref name="minSigners"/>-of-<paramref name="maxSigners"/> key.</summary>
    public static DkgParticipant Start(Identifier identifier, int minSigners, int maxSigners, RandomSource? random = null)
    {
        Polynomial.CheckThreshold(minSigners, maxSigners);
        random ??= RandomSources.System;
        return new DkgParticipant(identifier, Polynomial.Random(Group.RandomScalar(random), minSigners, random), maxSigners, random);
    }

    /// <summary>
    /// Round two: checks the other <c>n − 1</c> participants' commitments and returns this participant's
    /// secret share for each of them, to be sent to each alone.
    /// </summary>
    public IReadOnlyList<SecretShare> Round2(IEnumerable<DkgCommitment> others)
    {
        var list = others.OrderBy(c => c.Identifier).ToArray();
        Identifier.SortedDistinct(list.Select(c => c.Identifier).Append(Identifier));
        if (list.Length != _maxSigners - 1)
        {
            throw new FrostException(FrostError.WrongCount, $"A DKG among {_maxSigners} needs {_maxSigners - 1} other commitments, not {list.Length}.");
        }

        CheckDealers(list, _coefficients.Length);
        _others = list;
        return [.. list.Select(c => new SecretShare(Identifier, c.Identifier, Polynomial.Evaluate(_coefficients, c.Identifier.Scalar)))];
    }

    /// <summary>
    /// Round three (local): checks the share received from each other participant and returns this
    /// participant's key and the public key package everyone computes alike. Wipes the polynomial.
    /// </summary>
    public (KeyPackage Key, PublicKeyPackage PublicKeys) Finish(IEnumerable<SecretShare> received)
    {
        var others = _others ?? throw new InvalidOperationException("Round two comes before the end, which comes once.");
        var share = Polynomial.Evaluate(_coefficients, Identifier.Scalar);
        try
        {
            var sum = Combine(Identifier, others, received);
            var total = Group.Add(share, sum);
            Polynomial.Wipe([sum]);
            var commitment = Polynomial.SumCommitments(others.Select(c => c.Commitment).Append(Commitment.Commitment));
            var publicKeys = new PublicKeyPackage(commitment, others.Select(c => c.Identifier).Append(Identifier));
            var key = new KeyPackage(Identifier, total, commitment[0], commitment.Length);
            key.CheckAgainst(publicKeys);
            return (key, publicKeys);
        }
        finally
        {
            Polynomial.Wipe([share]);
            _others = null;
            Dispose();
        }
    }

    /// <summary>Every dealer's commitment shares for <paramref name="minSigners"/> and its proof of knowledge verifies.</summary>
    internal static void CheckDealers(IReadOnlyList<DkgCommitment> dealers, int minSigners)
    {
        var wrongSize = dealers.Where(c => c.MinSigners != minSigners).Select(c => c.Identifier).ToArray();
        if (wrongSize.Length > 0)
        {
            throw new FrostException(FrostError.WrongCount, $"Commitments of {string.Join(", ", wrongSize.AsEnumerable())} are not for a threshold of {minSigners}.", wrongSize);
        }

        var badProofs = dealers.Where(c => !c.ProofVerifies()).Select(c => c.Identifier).ToArray();
        if (badProofs.Length > 0)
        {
            throw new FrostException(FrostError.InvalidProofOfKnowledge, $"Proofs of knowledge of {string.Join(", ", badProofs.AsEnumerable())} do not verify.", badProofs);
        }
    }

    /// <summary>
    /// Σ of the shares for <paramref name="recipient"/>, one from each dealer, each checked against its
    /// dealer's commitment (vss_verify); the dealers of bad shares are named. Wipes the shares.
    /// </summary>
    internal static byte[] Combine(Identifier recipient, IReadOnlyList<DkgCommitment> dealers, IEnumerable<SecretShare> received)
    {
        var shares = received.ToArray();
        try
        {
            if (shares.Any(s => !s.To.Equals(recipient)))
            {
                throw new FrostException(FrostError.UnknownIdentifier, "A share is addressed to another participant.");
            }

            var senders = Identifier.SortedDistinct(shares.Select(s => s.From));
            if (!senders.SequenceEqual(dealers.Select(d => d.Identifier)))
            {
                throw new FrostException(FrostError.WrongCount, "The shares received are not exactly one from each dealer.");
            }

            var bad = shares.Where(s => !Polynomial.VerifyShare(recipient, s.Value, dealers.First(d => d.Identifier.Equals(s.From)).Commitment))
                .Select(s => s.From).Order().ToArray();
            if (bad.Length > 0)
            {
                throw new FrostException(FrostError.InvalidSecretShare, $"Shares from {string.Join(", ", bad.AsEnumerable())} do not match their commitments.", bad);
            }

            var sum = new byte[Group.ScalarSize];
            foreach (var s in shares)
            {
                var next = Group.Add(sum, s.Value);
                Polynomial.Wipe([sum]);
                sum = next;
            }

            return sum;
        }
        finally
        {
            foreach (var s in shares)
            {
                s.Dispose();
            }
        }
    }

    /// <summary>Wipes the polynomial.</summary>
    public void Dispose() => Polynomial.Wipe(_coefficients);

    /// <inheritdoc/>
    public override string ToString() => $"DkgParticipant({Identifier})";
}
