namespace Courier.Relay.Client.Bundles;

/// <summary>Why a bundle was refused; nothing of it was imported.</summary>
public enum BundleRefusal
{
    /// <summary>The file is not one of the bundle sizes: truncated, padded or not a bundle.</summary>
    NotABundleSize,

    /// <summary>No slot opens with the keys at hand: a bundle for others, or one altered where its recipients are found.</summary>
    NothingForYou,

    /// <summary>The whole-file MAC or a sealed block does not verify: altered, spliced, or truncated and padded again.</summary>
    Altered,

    /// <summary>An entry's append authorization does not verify with its drop's append key.</summary>
    Unauthorized,

    /// <summary>What to export does not fit: more than the largest size, or more recipients than slots.</summary>
    TooLarge,

    /// <summary>Made longer ago than the relay keeps envelopes (<see cref="BundleFormat.MaxClockSkew"/> allowed), so a replay of it could be stored again.</summary>
    Expired,

    /// <summary>Made later than now by more than <see cref="BundleFormat.MaxClockSkew"/>: its writer's clock is wrong, or the time was forged.</summary>
    FromTheFuture,
}

/// <summary>A bundle refused, said in plain words; no part of it was applied.</summary>
public sealed class BundleException(BundleRefusal reason, string message) : Exception(message)
{
    /// <summary>Why it was refused.</summary>
    public BundleRefusal Reason { get; } = reason;
}
