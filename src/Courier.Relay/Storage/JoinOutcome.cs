namespace Courier.Relay.Storage;

/// <summary>What joining a nameplate as its acceptor did.</summary>
public enum JoinOutcome
{
    /// <summary>The caller's claim is now the acceptor's.</summary>
    Joined,

    /// <summary>Someone joined before; the nameplate is now marked interfered.</summary>
    Taken,

    /// <summary>The nameplate is free, expired or released.</summary>
    NoSuchNameplate,
}
