namespace Courier.Node.Cells;

/// <summary>How a cell talks to its relay.</summary>
/// <param name="RetryFor">How long a relay call is retried through outages before the operation fails.</param>
/// <param name="Time">The clock for those retries, and for the MLS group's lifetime checks.</param>
internal sealed record CellSettings(TimeSpan RetryFor, TimeProvider Time);
