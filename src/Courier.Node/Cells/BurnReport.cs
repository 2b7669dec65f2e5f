namespace Courier.Node.Cells;

/// <summary>What <c>cell burn</c> changed (docs/cells.md, "Burning a cell").</summary>
/// <param name="Cell">The cell's name.</param>
/// <param name="Removed">The suspects' code names, removed by the burn commit.</param>
/// <param name="Epoch">The epoch the burn commit started: its drop, read key and append key are new, derived from secrets the suspects never held.</param>
/// <param name="OldCodeName">This member's code name in the cell before the burn.</param>
/// <param name="NewCodeName">This member's code name in the cell after the burn, with a new signing key.</param>
public sealed record BurnReport(string Cell, IReadOnlyList<string> Removed, ulong Epoch, string OldCodeName, string NewCodeName)
{
    /// <summary>This member's other cells of the layer that were told which code names to stop trusting.</summary>
    public IReadOnlyList<string> Told { get; init; } = [];
}
