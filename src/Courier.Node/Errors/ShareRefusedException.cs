namespace Courier.Node;

/// <summary>Why shares of a secret cannot be combined.</summary>
public enum ShareRefusal
{
    /// <summary>Fewer shares than the threshold they were made for.</summary>
    TooFew,

    /// <summary>Two shares have the same x-coordinate.</summary>
    Duplicate,

    /// <summary>A share has the x-coordinate 0, which no share has.</summary>
    ZeroX,

    /// <summary>Shares of different thresholds or lengths: they are not of the same split.</summary>
    Mismatched,

    /// <summary>The bytes are not a share.</summary>
    Malformed,
}

/// <summary>Shares of a secret (Shamir's secret sharing, docs/exposure.md) that cannot be combined; nothing was reconstructed.</summary>
public sealed class ShareRefusedException : NodeException
{
    /// <summary>Creates the exception.</summary>
    public ShareRefusedException(ShareRefusal reason, string message, Exception? inner = null)
        : base(message, inner) => Reason = reason;

    /// <summary>Why the shares were refused.</summary>
    public ShareRefusal Reason { get; }

    /// <inheritdoc/>
    public override string ErrorCode => Reason switch
    {
        ShareRefusal.TooFew => "too_few_shares",
        ShareRefusal.Duplicate => "duplicate_share",
        ShareRefusal.ZeroX => "share_x_zero",
        ShareRefusal.Mismatched => "shares_mismatched",
        _ => "share_malformed",
    };
}
