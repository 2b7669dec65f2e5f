using Courier.Node.Contacts;
using Courier.Node.Storage;

namespace Courier.Node.Cells;

/// <summary>Burning a cell (docs/cells.md, "Burning a cell"): the suspects removed and everything they knew replaced.</summary>
internal sealed partial class CellService
{
    /// <summary>
    /// Removes <paramref name="suspects"/> (code names in the cell) and gives this member a new code
    /// name and signing key in one commit, which starts an epoch whose drop and keys they cannot derive
    /// (RFC 9420 §12.1.3, §12.4.1, §8.5); tells the cell which names to replace (each remaining member
    /// answers on its next sync, <see cref="AnswerBurnAsync"/>) and this member's other cells of the
    /// layer which names to stop trusting.
    /// </summary>
    /// <exception cref="UnknownMemberException">A suspect is no member of the cell; nothing was changed.</exception>
    /// <exception cref="ArgumentException">No suspect, this member among them, or more members than a notice names.</exception>
    public async Task<BurnReport> BurnAsync(string cell, IReadOnlyList<string> suspects, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(suspects);
        if (suspects.Count is 0 or > BurnNotice.MaxNames)
        {
            throw new ArgumentException($"Name 1 to {BurnNotice.MaxNames} suspects.", nameof(suspects));
        }

        var record = node.Cells.Find(cell);
        var told = new List<string>();
        BurnReport? report = null;
        BurnNotice? notice = null;
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

            if (open.Members.Count - suspects.Distinct().Count() > BurnNotice.MaxNames)
            {
                throw new ArgumentException($"A burn notice names at most {BurnNotice.MaxNames} remaining members; nothing was changed.", nameof(suspects));
            }

            var oldName = open.CodeName;
            notice = await open.BurnAsync([.. suspects.Distinct()], CodeNames.Generate(), cancellationToken).ConfigureAwait(false);
            report = new BurnReport(record.Name, notice.Suspects, open.Group.Epoch, oldName, open.CodeName) { Told = told };
            Remember(record.Id, open.CodeName, notice);
        }).ConfigureAwait(false);

        // The layer's other cells this member is in: their members (the layer's liaisons among them) record the names.
        var others = notice! with { ThisCell = false };
        foreach (var other in node.Cells.All().Where(c => c.IsMember && c.Layer == record.Layer && !c.Id.AsSpan().SequenceEqual(record.Id)))
        {
            await node.Cells.RunAsync(other, (open, _) => open.SendAsync([others], null, [], cancellationToken)).ConfigureAwait(false);
            told.Add(other.Name);
        }

        return report!;
    }

    /// <summary>
    /// After a sync of <paramref name="cell"/>: if a burn notice of this cell names this member's code
    /// name, commits a new code name and signing key for it (docs/cells.md, "Burning a cell").
    /// </summary>
    public async Task AnswerBurnAsync(CellRecord record, Cell cell, List<string> notices, CancellationToken cancellationToken)
    {
        if (!cell.Group.IsActive)
        {
            return;
        }

        var burned = BurnRecord.All(node.Vault)
            .Where(b => b.Notice.ThisCell && b.CellId.AsSpan().SequenceEqual(record.Id))
            .SelectMany(b => b.Notice.Renamed)
            .ToHashSet(StringComparer.Ordinal);
        if (burned.Contains(cell.CodeName))
        {
            await cell.RenameAsync(CodeNames.Generate(), () => burned.Contains(cell.CodeName), cancellationToken).ConfigureAwait(false);
            notices.Add(Cell.Said(record.Name, "The cell was burned: the suspects were removed and this member now uses a new code name and signing key in it."));
        }
    }

    /// <summary>Every code name this node was told to stop trusting, oldest notice first.</summary>
    public IReadOnlyList<BurnedName> Burned()
    {
        var cells = node.Cells.All().ToDictionary(c => Convert.ToHexString(c.Id), c => c.Name);
        return BurnRecord.All(node.Vault).OrderBy(b => b.At).SelectMany(b =>
        {
            var cell = cells.GetValueOrDefault(Convert.ToHexString(b.CellId), "(a cell since deleted)");
            var at = DateTimeOffset.FromUnixTimeSeconds(b.At);
            return b.Notice.Suspects.Select(n => new BurnedName(n, true, cell, b.Notice.ThisCell, b.ToldBy, at))
                .Concat(b.Notice.Renamed.Select(n => new BurnedName(n, false, cell, b.Notice.ThisCell, b.ToldBy, at)));
        }).ToList();
    }

    private void Remember(byte[] cellId, string burner, BurnNotice notice)
    {
        using var transaction = node.Vault.Begin();
        new BurnRecord(Vault.NewId(), cellId, burner, node.Options.Time.GetUtcNow().ToUnixTimeSeconds(), notice).Put(transaction);
        transaction.Commit();
    }
}
