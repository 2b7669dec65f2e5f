namespace Courier.Frost;

/// <summary>
/// Key generation by a trusted dealer (RFC 9591 Appendix C): the dealer draws the group secret, splits it
/// with Shamir's scheme into shares for participants 1 … n and publishes the VSS commitment. The dealer
/// knows the whole key while it runs: prefer <see cref="DkgParticipant"/>, in which no one ever does.
/// </summary>
public static class TrustedDealer
{
    /// <summary>
    /// trusted_dealer_keygen (Appendix C): a fresh key shared <paramref name="minSigners"/>-of-<paramref name="maxSigners"/>.
    /// The caller hands each participant its key package and then disposes them all.
    /// </summary>
    public static DealtKeys Generate(int minSigners, int maxSigners, RandomSource? random = null)
    {
        Polynomial.CheckThreshold(minSigners, maxSigners);
        random ??= RandomSources.System;
        return Deal(Polynomial.Random(Group.RandomScalar(random), minSigners, random), maxSigners);
    }

    /// <summary>
    /// secret_share_shard (Appendix C.1) of the polynomial with these coefficients (the first is the secret),
    /// to participants 1 … <paramref name="maxSigners"/>. Wipes the coefficients.
    /// </summary>
    internal static DealtKeys Deal(byte[][] coefficients, int maxSigners)
    {
        try
        {
            Polynomial.CheckThreshold(coefficients.Length, maxSigners);
            var commitment = Polynomial.Commit(coefficients);
            var ids = Enumerable.Range(1, maxSigners).Select(Identifier.FromNumber).ToArray();
            var keys = ids.Select(id => new KeyPackage(id, Polynomial.Evaluate(coefficients, id.Scalar), commitment[0], coefficients.Length)).ToArray();
            return new DealtKeys(new PublicKeyPackage(commitment, ids), keys);
        }
        finally
        {
            Polynomial.Wipe(coefficients);
        }
    }
}

/// <summary>What a dealer hands out: the public key package for everyone and one key package per participant.</summary>
/// <param name="PublicKeys">The public key package.</param>
/// <param name="Shares">Participant i's key package at index i − 1.</param>
public sealed record DealtKeys(PublicKeyPackage PublicKeys, IReadOnlyList<KeyPackage> Shares);
