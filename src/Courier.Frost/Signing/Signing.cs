using System.Security.Cryptography;
using Courier.Sodium;

namespace Courier.Frost;

/// <summary>
/// The two signing rounds of RFC 9591 §5 and the checks around them. Round one: each chosen signer
/// <see cref="Commit"/>s and sends its <see cref="SigningCommitments"/>. Round two: the coordinator sends
/// every signer the same <see cref="SigningPackage"/>; each <see cref="Sign"/>s, consuming its nonces.
/// The coordinator <see cref="Aggregate"/>s the shares into one RFC 8032 Ed25519 signature, naming the
/// signers whose shares are wrong (§5.4) when it does not verify.
/// </summary>
public static class Signing
{
    /// <summary>An Ed25519 signature: R (32) || z (32).</summary>
    public const int SignatureSize = 64;

    /// <summary>Round one, commit (§5.1): fresh nonces for one signing session and their public commitments.</summary>
    public static SigningNonces Commit(KeyPackage key, RandomSource? random = null) =>
        SigningNonces.Generate(key, random ?? RandomSources.System);

    /// <summary>
    /// Round two, sign (§5.2): this participant's signature share of the package's message. Consumes
    /// <paramref name="nonces"/> (a second call throws <see cref="FrostError.NonceConsumed"/>); refuses a
    /// package that lists other commitments for this participant than its nonces', or fewer signers than
    /// the threshold. Nothing is consumed when the package is refused.
    /// </summary>
    public static SignatureShare Sign(SigningPackage package, SigningNonces nonces, KeyPackage key)
    {
        nonces.ThrowIfConsumed();
        if (!nonces.Commitments.Identifier.Equals(key.Identifier) || !package.CommitmentsOf(key.Identifier).SameAs(nonces.Commitments))
        {
            throw new FrostException(FrostError.CommitmentMismatch, "The signing package does not list this participant's commitments.");
        }

        CheckSignerCount(package, key.MinSigners);
        var session = new Session(package, key.GroupKey);
        var lambda = Polynomial.Lagrange(package.Signers, key.Identifier);
        var (hiding, binding) = nonces.Consume();
        var bound = Group.Mul(binding.Value, session.BindingFactor(key.Identifier));
        var nonce = Group.Add(hiding.Value, bound);
        var weightedShare = Group.Mul(lambda, key.SigningShare);
        var keyPart = Group.Mul(weightedShare, session.Challenge);
        try
        {
            return new SignatureShare(key.Identifier, Group.Add(nonce, keyPart));
        }
        finally
        {
            Polynomial.Wipe([bound, nonce, weightedShare, keyPart]);
            hiding.Dispose();
            binding.Dispose();
        }
    }

    /// <summary>
    /// verify_signature_share (§5.4): z_i · B = D_i + ρ_i · E_i + (c · λ_i) · PK_i. False for a share that is
    /// wrong or from a participant not in the package.
    /// </summary>
    public static bool VerifyShare(SigningPackage package, SignatureShare share, PublicKeyPackage publicKeys) =>
        VerifyShare(new Session(package, publicKeys.GroupKey), package, share, publicKeys);

    /// <summary>
    /// verify_signature_share (§5.4) for every share of one session, the session's values computed once:
    /// the signers whose shares fail, in identifier order (empty when all verify).
    /// </summary>
    public static IReadOnlyList<Identifier> InvalidShares(SigningPackage package, IEnumerable<SignatureShare> shares, PublicKeyPackage publicKeys) =>
        InvalidShares(new Session(package, publicKeys.GroupKey), package, shares, publicKeys);

    /// <summary>
    /// aggregate (§5.3): the signature R || Σ z_i, checked against the group public key. When it does not
    /// verify, every share is verified (§5.4) and <see cref="FrostError.InvalidSignatureShare"/> names
    /// the signers whose shares are wrong; the coordinator starts again without them. The shares must come
    /// from exactly the package's signers.
    /// </summary>
    public static byte[] Aggregate(SigningPackage package, IEnumerable<SignatureShare> shares, PublicKeyPackage publicKeys)
    {
        var list = shares.OrderBy(s => s.Identifier).ToArray();
        Identifier.SortedDistinct(list.Select(s => s.Identifier));
        if (!list.Select(s => s.Identifier).SequenceEqual(package.Signers))
        {
            throw new FrostException(FrostError.WrongCount, "The signature shares are not exactly those of the package's signers.");
        }

        CheckSignerCount(package, publicKeys.MinSigners);
        foreach (var id in package.Signers)
        {
            publicKeys.VerifyingShareOf(id);
        }

        var session = new Session(package, publicKeys.GroupKey);
        var z = new byte[Group.ScalarSize];
        foreach (var s in list)
        {
            z = Group.Add(z, s.Share);
        }

        var signature = new byte[SignatureSize];
        session.GroupCommitment.CopyTo(signature, 0);
        z.CopyTo(signature, Group.ElementSize);
        if (Verify(signature, package.MessageBytes, publicKeys.GroupKey))
        {
            return signature;
        }

        IReadOnlyList<Identifier> culprits = InvalidShares(session, package, list, publicKeys);
        throw culprits.Count > 0
            ? new FrostException(FrostError.InvalidSignatureShare, $"Signature shares of {string.Join(", ", culprits.AsEnumerable())} do not verify.", culprits)
            : new FrostException(FrostError.InconsistentKey, "Every share verifies but the signature does not.");
    }

    /// <summary>RFC 8032 Ed25519 verification (libsodium's), which a FROST(Ed25519, SHA-512) signature passes (§6.5).</summary>
    public static bool Verify(ReadOnlySpan<byte> signature, ReadOnlySpan<byte> message, ReadOnlySpan<byte> groupPublicKey) =>
        LibSodium.Ed25519Verify(signature, message, groupPublicKey);

    private static Identifier[] InvalidShares(Session session, SigningPackage package, IEnumerable<SignatureShare> shares, PublicKeyPackage publicKeys) =>
        [.. shares.Where(s => !VerifyShare(session, package, s, publicKeys)).Select(s => s.Identifier).Order()];

    private static bool VerifyShare(Session session, SigningPackage package, SignatureShare share, PublicKeyPackage publicKeys)
    {
        if (!package.Signers.Contains(share.Identifier) || !publicKeys.Participants.Contains(share.Identifier) || Group.IsZero(share.Share))
        {
            return false;
        }

        var c = package.CommitmentsOf(share.Identifier);
        var commitmentShare = Group.AddElements(c.Hiding, Group.Mult(session.BindingFactor(share.Identifier), c.Binding));
        var weight = Group.Mul(session.Challenge, Polynomial.Lagrange(package.Signers, share.Identifier));
        var keyPart = Group.TryMult(weight, publicKeys.VerifyingShareOf(share.Identifier));
        return keyPart is not null
            && CryptographicOperations.FixedTimeEquals(Group.BaseMult(share.Share), Group.AddElements(commitmentShare, keyPart));
    }

    private static void CheckSignerCount(SigningPackage package, int minSigners)
    {
        if (package.Signers.Count < minSigners)
        {
            throw new FrostException(FrostError.WrongCount, $"{package.Signers.Count} signers are fewer than the threshold of {minSigners}.");
        }
    }
}
