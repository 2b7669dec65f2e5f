using System.Security.Cryptography;

namespace Courier.Frost;

/// <summary>
/// Resharing a key to a new council, keeping the group public key (the redistribution of Desmedt and
/// Jajodia 1997 / Wong, Wang and Wing 2002, with each old member dealing as in the DKG).
/// <list type="number">
/// <item>A set Q of at least t_old old members agrees on Q. Each old member i of Q deals its Lagrange-weighted
/// share w_i = λ_i^Q · s_i (Σ_Q w_i is the group secret) with a fresh polynomial g_i of degree t_new − 1,
/// g_i(0) = w_i: <see cref="Deal"/> gives its broadcast commitment and one secret share per new member.</item>
/// <item>Each new member j <see cref="Receive"/>s: it checks every dealer's proof, that every dealer's
/// constant term is λ_i^Q · Y_i for that dealer's public verifying share Y_i (so no dealer can shift the
/// key), and every share against its dealer's commitment (a cheater is named); then s'_j = Σ_Q g_i(j).</item>
/// </list>
/// The new shares lie on Σ_Q g_i, a polynomial independent of the old one except at 0: what
/// "the old shares no longer sign" means, and what it does not, is in docs/frost.md ("Resharing").
/// In short: an old share combined with new shares gives no valid signature; but t_old old shares together
/// still make the same group secret, so they sign until they are deleted, and resharing protects against
/// old members only if the old council really deletes them. Only a new key (revocation) removes that risk.
/// </summary>
public static class Resharing
{
    /// <summary>
    /// An old member's part: its commitment (to broadcast to the new council) and its secret share for
    /// each new member (to send to each alone). <paramref name="dealers"/> is the agreed set Q, which
    /// includes this member.
    /// </summary>
    public static (DkgCommitment Commitment, IReadOnlyList<SecretShare> Shares) Deal(
        KeyPackage oldKey, IEnumerable<Identifier> dealers, IEnumerable<Identifier> newParticipants, int newMinSigners, RandomSource? random = null)
    {
        random ??= RandomSources.System;
        var q = Identifier.SortedDistinct(dealers);
        var recipients = Identifier.SortedDistinct(newParticipants);
        Polynomial.CheckThreshold(newMinSigners, recipients.Length);
        if (q.Length < oldKey.MinSigners)
        {
            throw new FrostException(FrostError.WrongCount, $"Resharing needs at least {oldKey.MinSigners} old members dealing, not {q.Length}.");
        }

        var weighted = Group.Mul(Polynomial.Lagrange(q, oldKey.Identifier), oldKey.SigningShare);
        var coefficients = Polynomial.Random(weighted, newMinSigners, random);
        try
        {
            var commitment = DkgCommitment.Create(oldKey.Identifier, coefficients, random);
            return (commitment, [.. recipients.Select(j => new SecretShare(oldKey.Identifier, j, Polynomial.Evaluate(coefficients, j.Scalar)))]);
        }
        finally
        {
            Polynomial.Wipe(coefficients);
        }
    }

    /// <summary>
    /// A new member's part: checks every dealer's commitment against the old public key package and its
    /// share against the commitment, and returns the new key and public key package, whose group public key
    /// is the old one. The dealers are those whose commitments are given (the set Q).
    /// </summary>
    public static (KeyPackage Key, PublicKeyPackage PublicKeys) Receive(
        Identifier me, PublicKeyPackage oldPublicKeys, IEnumerable<DkgCommitment> dealerCommitments, IEnumerable<SecretShare> received,
        IEnumerable<Identifier> newParticipants, int newMinSigners)
    {
        var dealers = dealerCommitments.OrderBy(c => c.Identifier).ToArray();
        var q = Identifier.SortedDistinct(dealers.Select(d => d.Identifier));
        var recipients = Identifier.SortedDistinct(newParticipants);
        Polynomial.CheckThreshold(newMinSigners, recipients.Length);
        if (!recipients.Contains(me))
        {
            throw new FrostException(FrostError.UnknownIdentifier, $"Participant {me} is not in the new council.", [me]);
        }

        if (q.Length < oldPublicKeys.MinSigners)
        {
            throw new FrostException(FrostError.WrongCount, $"Resharing needs at least {oldPublicKeys.MinSigners} old members dealing, not {q.Length}.");
        }

        DkgParticipant.CheckDealers(dealers, newMinSigners);

        // Each dealer's constant term must be its weighted old verifying share: then Σ C_i0 = the group key.
        var shifted = dealers.Where(d => !CryptographicOperations.FixedTimeEquals(
                d.Commitment[0], Group.Mult(Polynomial.Lagrange(q, d.Identifier), oldPublicKeys.VerifyingShareOf(d.Identifier))))
            .Select(d => d.Identifier).ToArray();
        if (shifted.Length > 0)
        {
            throw new FrostException(FrostError.InvalidSecretShare, $"Dealers {string.Join(", ", shifted.AsEnumerable())} do not deal their own old share.", shifted);
        }

        var share = DkgParticipant.Combine(me, dealers, received);
        var commitment = Polynomial.SumCommitments(dealers.Select(d => d.Commitment));
        if (!CryptographicOperations.FixedTimeEquals(commitment[0], oldPublicKeys.GroupKey))
        {
            Polynomial.Wipe([share]);
            throw new FrostException(FrostError.InconsistentKey, "The reshared key is not the old group key.");
        }

        var publicKeys = new PublicKeyPackage(commitment, recipients);
        var key = new KeyPackage(me, share, commitment[0], newMinSigners);
        key.CheckAgainst(publicKeys);
        return (key, publicKeys);
    }
}
