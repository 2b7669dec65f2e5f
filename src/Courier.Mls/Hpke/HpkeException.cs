namespace Courier.Mls.Hpke;

/// <summary>
/// An HPKE operation was refused for a reason other than a caller bug or an authentication failure
/// (RFC 9180 §5: ValidationError, MessageLimitReachedError). The message never contains key material.
/// </summary>
public sealed class HpkeException : Exception
{
    /// <summary>Creates the exception for <paramref name="error"/>.</summary>
    public HpkeException(HpkeError error)
        : base(Describe(error))
    {
        Error = error;
    }

    /// <summary>The reason.</summary>
    public HpkeError Error { get; }

    private static string Describe(HpkeError error) => error switch
    {
        HpkeError.ValidationError => "The HPKE public key is invalid (a low-order X25519 point or not a point on P-256).",
        HpkeError.MessageLimitReached => "The HPKE context has reached its message limit.",
        _ => "HPKE operation refused.",
    };
}
