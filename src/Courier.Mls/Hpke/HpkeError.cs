namespace Courier.Mls.Hpke;

/// <summary>Why an HPKE operation was refused (the error names of RFC 9180 §5).</summary>
public enum HpkeError
{
    /// <summary>
    /// A public key failed validation (RFC 9180 §7.1.4): an X25519 low-order point, whose shared
    /// secret is all zero (RFC 7748 §6.1), or a P-256 key that is not a point on the curve.
    /// </summary>
    ValidationError,

    /// <summary>The context's sequence number would overflow (RFC 9180 §5.2).</summary>
    MessageLimitReached,
}
