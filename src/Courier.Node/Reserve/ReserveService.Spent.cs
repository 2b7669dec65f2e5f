using System.Security.Cryptography;
using Courier.Node.Cells;
using Courier.Node.Storage;

namespace Courier.Node.Reserve;

/// <summary>
/// Forgetting a spent reserve (docs/exposure.md, "The reserve cell", "After activation"): once the new
/// cell is made, a member's share and the shares posted in the reserve cell only serve whoever seizes
/// the device, so they are deleted (their pages wiped, their images removed from the WAL).
/// </summary>
internal sealed partial class ReserveService
{
    /// <summary>
    /// After a sync: forgets every reserve this member did not activate whose new cell is made, that is
    /// k posted shares that match the designation and a Welcome from one of their members are seen.
    /// An activator's own reserve is left to <see cref="ActivateAsync"/>, which still needs it to join.
    /// </summary>
    public async Task ForgetSpentAsync()
    {
        var held = Held();
        if (held.Count == 0)
        {
            return;
        }

        var states = node.Vault.ReadAll(VaultCollection.ReserveState, ActivationState.Decode);
        foreach (var mine in held.Where(s => !states.Any(a => a.ReserveId.AsSpan().SequenceEqual(s.Message.ReserveId))))
        {
            if (await ReserveCellAsync(mine.Message.CellKey).ConfigureAwait(false) is { } cell)
            {
                var posted = Posted(cell, mine.Message.ReserveId);
                var (shares, _) = CheckShares(mine.Message, posted);
                var made = posted.Any(p => p.Message.Kind == ActivationMessage.WelcomeKind && shares.Any(s => s.Sender.Length > 0 && s.Sender == p.Sender));
                if (made && shares.Count - 1 >= mine.Message.Threshold)
                {
                    Forget(mine, cell, null);
                }
            }
        }

        held.ForEach(s => CryptographicOperations.ZeroMemory(s.Message.Share.Y));
    }

    /// <summary>
    /// Deletes this member's share of the reserve and everything posted for it in <paramref name="reserveCell"/>, in one
    /// transaction; keeps of its activation (<paramref name="state"/>) only the cell made or joined (the KeyPackage's
    /// private keys go), or nothing when it joined none.
    /// </summary>
    private void Forget(StoredReserveShare mine, CellRecord reserveCell, ActivationState? state)
    {
        using var transaction = node.Vault.Begin();
        transaction.Delete(mine.Id);
        foreach (var record in PostedRecords(reserveCell, mine.Message.ReserveId))
        {
            transaction.Delete(record.Id);
        }

        if (state is { Cell.Length: > 0 })
        {
            transaction.PutWiped(VaultCollection.ReserveState, state.Id, (state with { Bundle = [] }).Encode());
        }
        else if (state is not null)
        {
            transaction.Delete(state.Id);
        }

        transaction.Commit();
    }
}
