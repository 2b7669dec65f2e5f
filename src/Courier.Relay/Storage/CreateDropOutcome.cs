namespace Courier.Relay.Storage;

/// <summary>What creating a drop did.</summary>
public enum CreateDropOutcome
{
    /// <summary>The drop is new.</summary>
    Created,

    /// <summary>The drop existed with the same keys; nothing changed.</summary>
    Exists,

    /// <summary>The drop exists with other keys (or is a nameplate's drop); nothing changed.</summary>
    Conflict,
}
