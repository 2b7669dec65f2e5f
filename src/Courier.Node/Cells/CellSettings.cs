namespace Courier.Node.Cells;

/// <summary>How a cell talks to its relay.</summary>
/// <param name="RetryFor">How long a relay call is retried through outages before the operation fails.</param>
/// <param name="Time">The clock for those retries, and for the MLS group's lifetime checks.</param>
internal sealed record CellSettings(TimeSpan RetryFor, TimeProvider Time)
{
    /// <summary>How often a member makes sure the rejoin drop holds the current epoch's GroupInfo (<see cref="NodeOptions.RejoinCheck"/>).</summary>
    public TimeSpan RejoinCheck { get; init; } = TimeSpan.FromDays(1);

    /// <summary>
    /// How long one rejoin drop is written to before members move to the next (<see cref="CellRejoin.DropOf"/>):
    /// a drop holds the records of one period's commits, so many commits between two changes of
    /// membership never fill one, and readers look back <see cref="CellRejoin.Lookback"/> periods.
    /// </summary>
    public TimeSpan RejoinPeriod { get; init; } = TimeSpan.FromDays(1);

    /// <summary>How long the new leaf of a member that rejoins is valid (<see cref="NodeOptions.KeyPackageLifetime"/>).</summary>
    public TimeSpan LeafLifetime { get; init; } = TimeSpan.FromDays(90);

    /// <summary>The most a rejoin record's envelope holds before the record is split (<see cref="RejoinParts"/>); tests lower it to split small records.</summary>
    public int RejoinEnvelopeContent { get; init; } = Wire.SealedEnvelope.MaxContent;
}
