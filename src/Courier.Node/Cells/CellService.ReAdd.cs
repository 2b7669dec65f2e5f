using Courier.Mls;
using Courier.Mls.Codec;
using Courier.Mls.Crypto;
using Courier.Mls.Group;
using Courier.Node.Contacts;
using Courier.Node.Introductions;
using Courier.Node.Relay;
using Courier.Node.Storage;

namespace Courier.Node.Cells;

/// <summary>
/// Added back (docs/cells.md): the fresh-Welcome fallback for a member that fell behind across a
/// change of membership. It asks the contact who added it (<see cref="CellRecord.AddedBy"/>) through
/// the pairwise outbox; that contact, a member, replaces its old leaf with the fresh KeyPackage on
/// its next sync of the cell, and the Welcome comes back through the pairwise outbox.
/// </summary>
internal sealed partial class CellService
{
    /// <summary>
    /// After this member found no way back into <paramref name="open"/>: a fresh KeyPackage (its code
    /// name, the cell's suite) is kept for the Welcome, and the signed request queued to the contact
    /// who added it, in one transaction, then tried at once (a relay out of reach leaves it in the
    /// pairwise outbox). False when no such contact is known (the cell's creator, a contact deleted):
    /// being added back stays manual.
    /// </summary>
    public async Task<bool> AskToBeAddedBackAsync(CellRecord record, Cell open, List<string> notices, CancellationToken cancellationToken)
    {
        using var contact = record.AddedBy.Length > 0 ? node.Contacts.Get(record.AddedBy) : null;
        open.AwaitingReAdd = contact is not null;
        if (contact is null)
        {
            return false;
        }

        using var bundle = PairwiseIdentity.NewBundle(open.CodeName, node.Options, open.Group.CipherSuite);
        var request = open.RequestReAdd(bundle.KeyPackageBytes);
        var kept = new ReAddBundle(Vault.NewId(), record.Id, bundle.Serialize());
        var entry = node.Pairwise.Queue(contact, PairwiseMessageType.ReAdd, request.Encode(), also: t => t.PutWiped(VaultCollection.ReAddBundle, kept.Id, kept.Encode()));
        open.SayAskedBack(contact.TheirCodeName);
        try
        {
            await node.Pairwise.DeliverNewAsync(node.Relays.At(contact.Relay), contact, entry, notices, cancellationToken).ConfigureAwait(false);
        }
        catch (NodeException e) when (e is RelayUnreachableException or RelayPinMismatchException or InsecureRelayAddressException)
        {
            // It waits in the pairwise outbox and goes out with a later sync.
        }

        return true;
    }

    /// <summary>A request from <paramref name="contact"/>: kept, with the contact's replay window, until the cell it names is synced; a malformed one is said and dropped.</summary>
    public void ReceiveReAdd(ContactRecord contact, byte[] body, List<string> rejected)
    {
        using var transaction = node.Vault.Begin();
        ContactRepository.Put(transaction, contact);
        if (ReAddRequest.TryDecode(body) is { } request)
        {
            var received = new ReceivedReAdd(Vault.NewId(), contact.Id, request);
            transaction.PutWiped(VaultCollection.ReAddRequest, received.Id, received.Encode());
        }
        else
        {
            rejected.Add($"A request from \"{contact.TheirCodeName}\" to be added back to a cell was malformed and was ignored.");
        }

        transaction.Commit();
    }

    /// <summary>
    /// On a sync of <paramref name="open"/> (read first, so a commit that already added the member back
    /// is known): each request for this cell is committed once, said once if refused, and forgotten
    /// either way; one the cell could not commit (busy, relay out of reach) waits for the next sync.
    /// </summary>
    public async Task ServeReAddsAsync(Cell open, VaultCellStore store, List<string> notices, CancellationToken cancellationToken)
    {
        foreach (var received in node.Vault.ReadAll(VaultCollection.ReAddRequest, ReceivedReAdd.Decode).Where(r => r.Request.GroupId.AsSpan().SequenceEqual(open.Group.GroupId)))
        {
            using var contact = node.Contacts.Get(received.ContactId);
            switch (contact is null ? Cell.ReAddVerdict.Refused : open.Judge(received.Request))
            {
                case Cell.ReAddVerdict.Valid:
                    store.WelcomeRecipients = [contact!.Id];
                    try
                    {
                        await open.ReAddAsync(received.Request, cancellationToken).ConfigureAwait(false);
                    }
                    finally
                    {
                        store.WelcomeRecipients = [];
                    }

                    notices.Add(Cell.Said(store.Record.Name, $"\"{contact.TheirCodeName}\" fell behind and could not rejoin on their own; at their request this node added them back (their old place replaced by a fresh one)."));
                    break;
                case Cell.ReAddVerdict.Refused when contact is not null:
                    notices.Add(Cell.Said(store.Record.Name, $"\"{contact.TheirCodeName}\" asked to add a member back, but the request was not signed by that member or did not fit the cell; nothing was changed."));
                    break;
            }

            Forget(received);
        }
    }

    /// <summary>After every cell was synced: requests for a cell this node is not a member of are said once and forgotten.</summary>
    public void RefuseUnknownReAdds(IReadOnlyCollection<byte[]> groupIds, List<string> notices)
    {
        foreach (var received in node.Vault.ReadAll(VaultCollection.ReAddRequest, ReceivedReAdd.Decode).Where(r => !groupIds.Any(g => g.AsSpan().SequenceEqual(r.Request.GroupId))))
        {
            using (var contact = node.Contacts.Get(received.ContactId))
            {
                if (contact is not null)
                {
                    notices.Add($"\"{contact.TheirCodeName}\" asked to be added back to a cell this node is not a member of; nothing was changed.");
                }
            }

            Forget(received);
        }
    }

    /// <summary>
    /// A Welcome that answers this member's request: joined with a kept KeyPackage, its group replaces
    /// the old one of the cell it asked for (and the KeyPackage is forgotten in the same transaction).
    /// False when no kept KeyPackage matches it: an ordinary invitation.
    /// </summary>
    private async Task<bool> TryAddedBackAsync(WelcomeDelivery welcome, List<string> notices, CancellationToken cancellationToken)
    {
        foreach (var kept in node.Vault.ReadAll(VaultCollection.ReAddBundle, ReAddBundle.Decode))
        {
            MlsGroup group;
            using (var bundle = KeyPackageBundle.Deserialize(kept.Bundle))
            {
                try
                {
                    group = MlsGroup.JoinFromWelcome(welcome.Welcome, bundle, SystemRandom.Instance, node.Options.Time);
                }
                catch (Exception e) when (e is MessageRejectedException or DecodeException)
                {
                    continue;
                }
            }

            using (group)
            {
                var record = node.Cells.All().FirstOrDefault(c => c.Id.AsSpan().SequenceEqual(kept.CellId) && c.IsMember);
                var adopted = record is not null && await node.Cells.RunAsync(record, async (open, store) =>
                {
                    store.Enlist(t => t.Delete(kept.Id));
                    var taken = await open.AdoptWelcomedAsync(group, cancellationToken).ConfigureAwait(false);
                    notices.AddRange(open.TakeGapNotices().Select(n => Cell.Said(record.Name, n)));
                    return taken;
                }).ConfigureAwait(false);
                if (adopted)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private void Forget(ReceivedReAdd received)
    {
        using var transaction = node.Vault.Begin();
        transaction.Delete(received.Id);
        transaction.Commit();
    }
}
