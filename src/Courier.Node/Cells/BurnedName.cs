namespace Courier.Node.Cells;

/// <summary>A code name this node was told to stop trusting by a cell's burn (docs/cells.md, "Burning a cell").</summary>
/// <param name="Name">The code name, as used in the burned cell.</param>
/// <param name="Suspect">True for a suspect the burn removed; false for a name a remaining member used before the burn and replaced.</param>
/// <param name="Cell">The cell (this node's name for it) the burn notice arrived in.</param>
/// <param name="InBurnedCell">Whether that cell is the burned one (false: another cell of its layer, as a liaison hears of it).</param>
/// <param name="ToldBy">The code name the burner signed the notice with, in that cell.</param>
/// <param name="At">When the notice was received (or, for the burner, sent).</param>
public sealed record BurnedName(string Name, bool Suspect, string Cell, bool InBurnedCell, string ToldBy, DateTimeOffset At);
