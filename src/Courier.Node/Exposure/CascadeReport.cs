namespace Courier.Node.Exposure;

/// <summary>
/// Merged organization maps and what follows if some members are taken (docs/exposure.md, "Cascade").
/// A step is one round of seizures: the devices of the members taken reveal their cells, their
/// cells' members and their contacts (step 1); if those are taken in turn, what their devices
/// reveal is exposed at step 2; and so on until nothing new is reached.
/// </summary>
/// <param name="Members">Every member the maps show, most dangerous to lose first.</param>
/// <param name="Cells">Every cell the maps show, by layer and name.</param>
/// <param name="Layers">Every layer (merged by relay), by name.</param>
/// <param name="Taken">The ids of the members taken (empty when none were named).</param>
/// <param name="Steps">The number of steps until the cascade reaches nothing new (0 when none were taken).</param>
public sealed record CascadeReport(
    IReadOnlyList<CascadeMember> Members,
    IReadOnlyList<CascadeCell> Cells,
    IReadOnlyList<CascadeLayer> Layers,
    IReadOnlyList<string> Taken,
    int Steps);

/// <summary>A member as the merged maps show it: one person, under every code name the maps link to them.</summary>
/// <param name="Id">A label for this report (<c>m1</c>, <c>m2</c>, ...).</param>
/// <param name="CodeNames">Its code names in cells, then the names contacts know it by.</param>
/// <param name="Cells">The keys of its cells.</param>
/// <param name="Layers">The layers of its cells.</param>
/// <param name="Liaison">True when its cells are in two layers or more.</param>
/// <param name="CutVertex">True when losing it splits the member–cell graph (an articulation point): it is the only link between parts.</param>
/// <param name="CellsAtFirstStep">Cells exposed in one step if it alone is taken.</param>
/// <param name="LayersAtFirstStep">Layers exposed in one step if it alone is taken.</param>
/// <param name="Reach">Cells exposed in all if it alone is taken and the cascade runs to the end.</param>
/// <param name="ExposedAt">The step at which the members taken expose it (0: taken), or null.</param>
public sealed record CascadeMember(
    string Id,
    IReadOnlyList<string> CodeNames,
    IReadOnlyList<string> Cells,
    IReadOnlyList<string> Layers,
    bool Liaison,
    bool CutVertex,
    int CellsAtFirstStep,
    int LayersAtFirstStep,
    int Reach,
    int? ExposedAt);

/// <summary>A cell of the merged maps.</summary>
/// <param name="Key">Its key (the same in every member's map).</param>
/// <param name="Name">Its name, as the first map that shows it names it.</param>
/// <param name="Layer">Its layer's name.</param>
/// <param name="Members">The ids of its members.</param>
/// <param name="ExposedAt">The step at which the members taken expose it, or null.</param>
public sealed record CascadeCell(string Key, string Name, string Layer, IReadOnlyList<string> Members, int? ExposedAt);

/// <summary>A layer of the merged maps: cells whose relays overlap.</summary>
/// <param name="Name">Its name (the names members give it, joined by '/' when they differ).</param>
/// <param name="Relays">Its relays.</param>
/// <param name="Cells">The keys of its cells.</param>
/// <param name="ExposedAt">The step at which its first cell is exposed, or null.</param>
public sealed record CascadeLayer(string Name, IReadOnlyList<string> Relays, IReadOnlyList<string> Cells, int? ExposedAt);
