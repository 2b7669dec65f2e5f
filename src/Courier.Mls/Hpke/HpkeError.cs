namespace Courier.Mls.Hpke;

/// <summary>Why an HPKE operation was refused (the error names of RFC 9180 §5).</summary>
public enum HpkeError
{
    /// <summary>
    /// A public key failed validation: the X25519 shared secret with it is all zero, so it is a
    /// low-order point (RFC 9180 §7.1.4, RFC 7748 §6.1).
    /// </summary>
    ValidationError,

    /// <summary>The context's sequence number would overflow (RFC 9180 §5.2).</summary>
    MessageLimitReached,
}
