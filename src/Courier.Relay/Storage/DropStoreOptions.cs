namespace Courier.Relay.Storage;

/// <summary>Policy every store applies to each drop.</summary>
public sealed class DropStoreOptions
{
    /// <summary>Envelopes older than this are deleted, fetched or not.</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(7);

    /// <summary>How long a message id is remembered at least, even after its envelope was trimmed.</summary>
    public TimeSpan DedupeWindow { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The clock.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
