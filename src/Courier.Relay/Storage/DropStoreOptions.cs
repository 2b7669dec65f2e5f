namespace Courier.Relay.Storage;

/// <summary>Policy every store applies to each drop.</summary>
public sealed class DropStoreOptions
{
    /// <summary>Envelopes older than this are deleted, fetched or not.</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(7);

    /// <summary>How long a message id is remembered at least, even after its envelope was trimmed.</summary>
    public TimeSpan DedupeWindow { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How stale a store's record of a drop's last use may be: a store writes a drop's time of use at
    /// most once per this period, and deletes a drop only once it has been idle for the retention
    /// period plus this (so idle for at least the retention period). An hour, or an eighth of a shorter retention.
    /// </summary>
    internal TimeSpan UseGranularity => Retention / 8 < TimeSpan.FromHours(1) ? Retention / 8 : TimeSpan.FromHours(1);

    /// <summary>A drop whose recorded last use is at or before this instant (Unix ms) is idle and may be deleted.</summary>
    internal long IdleCutoff(long nowMilliseconds) => nowMilliseconds - (long)(Retention + UseGranularity).TotalMilliseconds;

    /// <summary>The clock.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
