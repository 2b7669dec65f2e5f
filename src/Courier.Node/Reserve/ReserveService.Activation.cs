using System.Security.Cryptography;
using Courier.Mls.Crypto;
using Courier.Mls.Group;
using Courier.Node.Cells;
using Courier.Node.Contacts;
using Courier.Node.Relay;
using Courier.Node.Storage;
using Courier.Node.Wire;

namespace Courier.Node.Reserve;

/// <summary>Activating a reserve (docs/exposure.md, "The reserve cell"): shares exchanged in the reserve cell, checked, combined, and the layer re-established.</summary>
internal sealed partial class ReserveService
{
    /// <summary>
    /// Posts this member's share (once, with a fresh KeyPackage) to the reserve cell, reads the shares
    /// the others posted, checks each against the commitment made at designation, and with k of them
    /// reconstructs what the designator gave, checks it, creates the layer and makes (the member of the
    /// lowest share at hand) or joins the new cell on the layer's relays.
    /// </summary>
    public async Task<ReserveActivation> ActivateAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        var states = node.Vault.ReadAll(VaultCollection.ReserveState, ActivationState.Decode);
        var mine = Held().FirstOrDefault(s => Convert.ToHexStringLower(s.Message.ReserveId) == id.Trim().ToLowerInvariant());
        if (mine is null)
        {
            throw states.FirstOrDefault(s => Convert.ToHexStringLower(s.ReserveId) == id.Trim().ToLowerInvariant()) is { } done
                ? new ReserveRefusedException($"This reserve was activated: this node is in its new cell \"{done.Cell}\", and its share and the shares posted were deleted.")
                : new UnknownReserveException($"This node holds no share of a reserve \"{id}\" (courier reserve list shows those it holds; a share is deleted once its reserve's new cell is made).");
        }

        var share = mine.Message;
        var reserveCell = await ReserveCellAsync(share.CellKey).ConfigureAwait(false)
            ?? throw new ReserveRefusedException("This node is no longer a member of the reserve's cell, where activation happens; nothing was sent.");
        var state = states.FirstOrDefault(s => s.ReserveId.AsSpan().SequenceEqual(share.ReserveId));
        if (state is null)
        {
            // Stored before the share leaves: a second activation never offers another KeyPackage.
            using var bundle = PairwiseIdentity.NewBundle(null, node.Options, (CipherSuiteId)reserveCell.CipherSuite);
            state = new ActivationState(Vault.NewId(), share.ReserveId, bundle.Serialize(), string.Empty);
            Put(state);
            await PostAsync(reserveCell, new ActivationMessage(ActivationMessage.ShareKind, share.ReserveId, share.Share.Encode(), bundle.KeyPackageBytes), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await node.Cells.RunAsync(reserveCell, (open, _) => open.SyncAsync(TimeSpan.Zero, [], cancellationToken)).ConfigureAwait(false);
        }

        var posted = Posted(reserveCell, share.ReserveId);
        var (shares, refused) = CheckShares(share, posted);
        if (shares.Count < share.Threshold)
        {
            var refusal = refused.Count == 0 ? string.Empty : $" ({refused.Count} posted share(s) did not match the designation and were not counted)";
            throw new ShareRefusedException(ShareRefusal.TooFew, $"This reserve needs {share.Threshold} shares to be activated and {shares.Count} are at hand{refusal}: nothing can be reconstructed yet. This member's share is posted in the reserve cell; run activate again once more members have.");
        }

        var secretBytes = Shamir.Combine([.. shares.Take(share.Threshold).Select(s => s.Share)]);
        try
        {
            if (!CryptographicOperations.FixedTimeEquals(ReserveShareMessage.CommitSecret(share.ReserveId, secretBytes), share.SecretCommitment))
            {
                throw new ReserveRefusedException("The shares combine to something other than what was designated (the designation itself was inconsistent); nothing was created.");
            }

            var secret = ReserveSecret.Decode(secretBytes);
            var layer = EnsureLayer(secret);
            // The first cell made wins: the Welcome of the lowest share that posted one, else this member makes it if its share is the lowest at hand.
            var welcome = posted.Where(p => p.Message.Kind == ActivationMessage.WelcomeKind)
                .Select(p => (p.Message, Share: shares.FirstOrDefault(s => s.Sender.Length > 0 && s.Sender == p.Sender).Share))
                .Where(w => w.Share is not null).OrderBy(w => w.Share!.X).FirstOrDefault();
            var leader = welcome.Share?.X ?? shares.Min(s => s.Share.X);
            var cell = state.Cell;
            try
            {
                cell = cell.Length > 0 ? cell
                    : welcome.Message is not null ? await JoinAsync(welcome.Message, state, layer, secret, leader, cancellationToken).ConfigureAwait(false)
                    : leader == share.Share.X ? await EstablishAsync(reserveCell, layer, share.ReserveId, [.. shares.Select(s => s.KeyPackage).OfType<byte[]>()], cancellationToken).ConfigureAwait(false)
                    : string.Empty;
            }
            catch (ReserveRefusedException) when (welcome.Message is not null)
            {
                // The new cell was made without this member: the reserve is spent for it too.
                Forget(mine, reserveCell, state);
                throw;
            }

            if (cell.Length > 0)
            {
                // The layer is re-established and this member is in its cell: nothing of the reserve is needed any more.
                Forget(mine, reserveCell, state with { Cell = cell });
            }

            return new ReserveActivation(Convert.ToHexStringLower(share.ReserveId), share.Threshold, shares.Count, layer, cell.Length > 0 ? cell : null, leader, refused);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secretBytes);
        }
    }

    /// <summary>What members posted to <paramref name="reserveCell"/> for the reserve <paramref name="reserveId"/>, with their senders.</summary>
    private List<(string Sender, ActivationMessage Message)> Posted(CellRecord reserveCell, byte[] reserveId)
        => [.. PostedRecords(reserveCell, reserveId).Select(r => (r.Sender, TryDecode(r.Body)!))];

    /// <summary>The records of <see cref="Posted"/>, as stored.</summary>
    private List<ReceivedActivation> PostedRecords(CellRecord reserveCell, byte[] reserveId)
        => [.. node.Vault.ReadAll(VaultCollection.ReserveActivation, ReceivedActivation.Decode)
            .Where(r => r.CellId.AsSpan().SequenceEqual(reserveCell.Id) && TryDecode(r.Body) is { } m && m.ReserveId.AsSpan().SequenceEqual(reserveId))];

    /// <summary>This member's share and every posted share that matches its commitment (one per x); the senders of those that do not.</summary>
    private static (List<(ShamirShare Share, byte[]? KeyPackage, string Sender)> Shares, List<string> Refused) CheckShares(ReserveShareMessage own, List<(string Sender, ActivationMessage Message)> posted)
    {
        var shares = new List<(ShamirShare Share, byte[]? KeyPackage, string Sender)> { (own.Share, null, string.Empty) };
        var refused = new List<string>();
        foreach (var (sender, message) in posted.Where(p => p.Message.Kind == ActivationMessage.ShareKind))
        {
            ShamirShare? candidate = message.Payload.Length < 3 ? null : ShamirShare.Decode(message.Payload);
            if (candidate is null || candidate.X < 1 || candidate.X > own.Count || candidate.Threshold != own.Threshold || candidate.Y.Length != own.Share.Y.Length
                || !CryptographicOperations.FixedTimeEquals(own.ShareCommitments[candidate.X - 1], ReserveShareMessage.CommitShare(own.ReserveId, candidate)))
            {
                refused.Add(sender);
            }
            else if (shares.All(s => s.Share.X != candidate.X))
            {
                shares.Add((candidate, message.Extra, sender));
            }
        }

        return (shares, [.. refused.Distinct()]);
    }

    /// <summary>The layer of the reserve's secret: this node's layer of that name and relays, or a new one.</summary>
    private string EnsureLayer(ReserveSecret secret)
    {
        var relays = secret.Relays.Select(r => new Uri(r)).ToList();
        var existing = node.Layers.All().FirstOrDefault(l => LayerRecord.LookupName(l.Name) == LayerRecord.LookupName(secret.Layer)
            && l.Relays.SequenceEqual(relays.Select(HttpRelay.AddressOf)));
        if (existing is not null)
        {
            return existing.Name;
        }

        var name = secret.Layer;
        for (var n = 2; node.Layers.Exists(name); n++)
        {
            name = $"{secret.Layer} ({n})";
        }

        return cells.CreateLayer(name, relays, secret.RequirePostQuantum, secret.MixPins.Any(p => p.Length > 0) ? secret.MixPins : null).Name;
    }

    /// <summary>Creates the new cell in the layer, adds the other activators by the KeyPackages they posted, and posts its Welcome to the reserve cell.</summary>
    private async Task<string> EstablishAsync(CellRecord reserveCell, string layer, byte[] reserveId, List<byte[]> keyPackages, CancellationToken cancellationToken)
    {
        var created = await cells.CreateAsync(node.Cells.UniqueName($"{layer}-reserve"), layer, null, cancellationToken).ConfigureAwait(false);
        var record = node.Cells.Find(created.Name);
        var welcome = await node.Cells.RunAsync(record, async (open, store) =>
        {
            await open.ChangeMembersAsync(keyPackages, [], cancellationToken).ConfigureAwait(false);
            return store.LastWelcome;
        }).ConfigureAwait(false);
        await PostAsync(reserveCell, new ActivationMessage(ActivationMessage.WelcomeKind, reserveId, welcome, [], created.Name, created.Relay), cancellationToken).ConfigureAwait(false);
        return created.Name;
    }

    /// <summary>Joins the new cell from the Welcome the leader posted, with the KeyPackage this member offered; only on one of the layer's relays.</summary>
    /// <exception cref="ReserveRefusedException">The Welcome is not for this member: the cell was made before it activated.</exception>
    private async Task<string> JoinAsync(ActivationMessage welcome, ActivationState state, string layer, ReserveSecret secret, int leader, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(welcome.Relay, UriKind.Absolute, out var relay) || !secret.Relays.Select(r => HttpRelay.AddressOf(new Uri(r))).Contains(HttpRelay.AddressOf(relay)))
        {
            return string.Empty;
        }

        var name = node.Cells.UniqueName(Names.IsValid(welcome.CellName) ? welcome.CellName : $"{layer}-reserve");
        var store = node.Cells.NewStore(new CellRecord(Vault.NewId(), name, layer, HttpRelay.AddressOf(relay)) { CipherSuite = KeyPackages.CipherSuiteOf(welcome.Payload) ?? 0 });
        using var bundle = KeyPackageBundle.Deserialize(state.Bundle);
        Cell cell;
        try
        {
            cell = await Cell.JoinAsync(welcome.Payload, bundle, node.Relays.At(relay), store, node.Cells.Settings, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is Mls.MessageRejectedException or Mls.Codec.DecodeException)
        {
            throw new ReserveRefusedException($"The layer \"{layer}\" was rebuilt, but its new cell was made (by the member of share {leader}) before this member activated, so it is not in it: ask a member of that cell to add it.", e);
        }

        node.Cells.Adopt(cell, store);
        return name;
    }

    /// <summary>Posts <paramref name="share"/> to its reserve cell with no KeyPackage (tests).</summary>
    internal async Task PostShareAsync(ReserveShareMessage share)
        => await PostAsync((await ReserveCellAsync(share.CellKey).ConfigureAwait(false))!, new ActivationMessage(ActivationMessage.ShareKind, share.ReserveId, share.Share.Encode(), []), default).ConfigureAwait(false);

    /// <summary>Posts an activation message to the reserve cell (reading what the others posted first).</summary>
    private Task PostAsync(CellRecord reserveCell, ActivationMessage message, CancellationToken cancellationToken)
        => node.Cells.RunAsync(reserveCell, (open, _) => open.SendAsync([new ReserveActivationContent(message.Encode())], null, [], cancellationToken));

    /// <summary>The reserve cell a share names, among the cells this node is a member of.</summary>
    private Task<CellRecord?> ReserveCellAsync(byte[] key) => node.Cells.FindByGroupKeyAsync(ReserveShareMessage.KeyOfCell, key);

    private void Put(ActivationState state)
    {
        using var transaction = node.Vault.Begin();
        transaction.PutWiped(VaultCollection.ReserveState, state.Id, state.Encode());
        transaction.Commit();
    }

    private static ActivationMessage? TryDecode(byte[] body)
    {
        try
        {
            return ActivationMessage.Decode(body);
        }
        catch (MalformedRecordException)
        {
            return null;
        }
    }
}
