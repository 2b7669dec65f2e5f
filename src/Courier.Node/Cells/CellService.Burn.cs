namespace Courier.Node.Cells;

/// <summary>Burning a cell (docs/cells.md, "Burning a cell"): the suspects removed and everything they knew replaced.</summary>
internal sealed partial class CellService
{
    /// <summary>
    /// Removes <paramref name="suspects"/> (code names in the cell) in one commit, which starts an
    /// epoch whose drop and keys they cannot derive (RFC 9420 §12.1.3, §8.5).
    /// </summary>
    /// <exception cref="UnknownMemberException">A suspect is no member of the cell; nothing was changed.</exception>
    /// <exception cref="ArgumentException">No suspect, or this member among them.</exception>
    public async Task<BurnReport> BurnAsync(string cell, IReadOnlyList<string> suspects, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(suspects);
        if (suspects.Count == 0)
        {
            throw new ArgumentException("Name at least one suspect.", nameof(suspects));
        }

        var record = node.Cells.Find(cell);
        BurnReport? report = null;
        await node.Cells.RunAsync(record, async (open, _) =>
        {
            if (suspects.FirstOrDefault(m => !open.Members.Contains(m)) is { } unknown)
            {
                throw new UnknownMemberException($"No member of \"{record.Name}\" is called \"{unknown}\"; nothing was changed.");
            }

            if (suspects.Contains(open.CodeName))
            {
                throw new ArgumentException("This member cannot burn itself out of a cell; use leave.", nameof(suspects));
            }

            var oldName = open.CodeName;
            await open.ChangeMembersAsync([], [.. suspects.Distinct()], cancellationToken).ConfigureAwait(false);
            report = new BurnReport(record.Name, [.. suspects.Distinct()], open.Group.Epoch, oldName, open.CodeName);
        }).ConfigureAwait(false);
        return report!;
    }
}
