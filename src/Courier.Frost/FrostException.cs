namespace Courier.Frost;

/// <summary>What was wrong with an input or a step of the protocol.</summary>
public enum FrostError
{
    /// <summary>An encoding of the wrong length, or a message of a different kind or version.</summary>
    Malformed,

    /// <summary>A point encoding of the identity element (RFC 9591 §3.1, DeserializeElement).</summary>
    IdentityElement,

    /// <summary>A point encoding that is not canonical, not on the curve or not in the prime-order subgroup (§3.1, §6.5).</summary>
    InvalidElement,

    /// <summary>A scalar encoding not below the group order (§3.1, DeserializeScalar).</summary>
    InvalidScalar,

    /// <summary>An identifier that is zero (§4.1: identifiers are non-zero scalars), or a member number out of 1 … 65535.</summary>
    ZeroIdentifier,

    /// <summary>The same identifier twice in one list.</summary>
    DuplicateIdentifier,

    /// <summary>An identifier not among those expected (not in the key's participants, or the signer set lacks this signer).</summary>
    UnknownIdentifier,

    /// <summary>A threshold or participant count out of range: 2 ≤ min ≤ max ≤ 65535 (§5, Appendix C).</summary>
    ThresholdOutOfRange,

    /// <summary>Fewer signers, shares or packages than the protocol needs, or more.</summary>
    WrongCount,

    /// <summary>A signing nonce used already (§5.1: nonces are single-use).</summary>
    NonceConsumed,

    /// <summary>The commitments listed for this signer are not those of its nonce.</summary>
    CommitmentMismatch,

    /// <summary>Signature shares that fail verification (§5.4); <see cref="FrostException.Culprits"/> says whose.</summary>
    InvalidSignatureShare,

    /// <summary>A DKG participant's proof of knowledge of its secret does not verify; <see cref="FrostException.Culprits"/> says whose.</summary>
    InvalidProofOfKnowledge,

    /// <summary>A secret share that does not match its sender's commitments (Appendix C.2, vss_verify); <see cref="FrostException.Culprits"/> says whose.</summary>
    InvalidSecretShare,

    /// <summary>Key material that does not belong together (a share that does not match its verifying share, or a group key that changed).</summary>
    InconsistentKey,
}

/// <summary>
/// A typed refusal: <see cref="Error"/> says what, <see cref="Culprits"/> (when a participant is to blame)
/// whom. Messages never carry secret material.
/// </summary>
public sealed class FrostException : Exception
{
    /// <summary>Creates the refusal.</summary>
    public FrostException(FrostError error, string message, IReadOnlyList<Identifier>? culprits = null)
        : base(message)
    {
        Error = error;
        Culprits = culprits ?? [];
    }

    /// <summary>What was wrong.</summary>
    public FrostError Error { get; }

    /// <summary>The participants whose messages were wrong, in identifier order; empty when nobody is to blame.</summary>
    public IReadOnlyList<Identifier> Culprits { get; }
}
