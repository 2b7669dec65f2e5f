using System.Text;

namespace Courier.Node.Cells;

/// <summary>Burning a cell (docs/cells.md, "Burning a cell"): the burn commit, and each remaining member's answer to it.</summary>
internal sealed partial class Cell
{
    /// <summary>
    /// Removes <paramref name="suspects"/> and gives this member the code name <paramref name="newCodeName"/>
    /// with a new signing key, in one commit (RFC 9420 §12.1.3, §12.4.1), then tells the cell
    /// (<see cref="BurnNotice"/>) which code names to replace. Returns the notice.
    /// </summary>
    /// <exception cref="CellBusyException">Other members' commits won <see cref="CommitAttempts"/> epochs in a row.</exception>
    public async Task<BurnNotice> BurnAsync(IReadOnlyList<string> suspects, string newCodeName, CancellationToken cancellationToken)
    {
        var remaining = Members.Except(suspects, StringComparer.Ordinal).ToList();
        await ChangeMembersAsync([], suspects, CommitAttempts, cancellationToken, newIdentity: Encoding.UTF8.GetBytes(newCodeName)).ConfigureAwait(false);
        if (remaining.Contains(CodeName))
        {
            // Another member's commit removed the suspects first: this member's name is replaced on its own.
            await RenameAsync(newCodeName, () => true, cancellationToken).ConfigureAwait(false);
        }

        var notice = new BurnNotice(true, suspects, remaining);
        await SendAsync([notice], null, [], cancellationToken).ConfigureAwait(false);
        return notice;
    }

    /// <summary>
    /// Commits this member's new leaf with the code name <paramref name="newCodeName"/> and a new signing key
    /// (RFC 9420 §12.4.1; §5.3.1 leaves a change of credential to the application's policy), unless
    /// <paramref name="stillWanted"/>, checked after each read, says a commit read meanwhile made it needless.
    /// </summary>
    /// <exception cref="CellBusyException">Other members' commits won <see cref="CommitAttempts"/> epochs in a row.</exception>
    public Task RenameAsync(string newCodeName, Func<bool> stillWanted, CancellationToken cancellationToken)
        => ChangeMembersAsync([], [], CommitAttempts, cancellationToken, stillWanted, Encoding.UTF8.GetBytes(newCodeName));
}
