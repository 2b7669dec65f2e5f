using Courier.Node.Cells;
using Courier.Node.Contacts;
using Courier.Node.Introductions;
using Courier.Node.Relay;
using Courier.Relay.Client;

namespace Courier.Node;

/// <summary>
/// Bringing a node up to date: Welcomes waiting to go out, every contact's pairwise drop
/// (introductions, Welcomes, KeyPackages), pending introductions, and every cell's drop.
/// </summary>
internal sealed class SyncService(NodeContext node, ContactService contacts, IntroductionService introductions, CellService cells, Reserve.ReserveService reserves, Council.CouncilService council)
{
    /// <summary>The contacts' drops and pending introductions of every relay; a relay's failure is thrown.</summary>
    public async Task<ReceiveResult> ReceiveAsync(List<string>? problems, CancellationToken cancellationToken)
    {
        var result = new ReceiveResult([], 0, [], []);
        foreach (var address in node.Contacts.Select(c => c.Relay).Distinct(StringComparer.Ordinal))
        {
            try
            {
                var relay = node.Relays.At(address);
                var (rejected, joined, waitingCells, notices) = (new List<string>(), new List<string>(), new List<string>(), new List<string>());
                await node.Pairwise.DeliverWaitingAsync(address, relay, notices, cancellationToken).ConfigureAwait(false);
                foreach (var contactId in node.Contacts.Select(c => c.Relay == address ? c.Id : null).OfType<byte[]>())
                {
                    await ReceiveFromContactAsync(relay, contactId, rejected, joined, waitingCells, notices, cancellationToken).ConfigureAwait(false);
                }

                var (added, waiting) = await introductions.AdvanceAsync(relay, rejected, cancellationToken).ConfigureAwait(false);
                result = new ReceiveResult([.. result.Added, .. added], result.PendingIntroductions + waiting, [.. result.Rejected, .. rejected], [.. result.JoinedCells, .. joined])
                {
                    WaitingCells = [.. result.WaitingCells, .. waitingCells],
                    Notices = [.. result.Notices, .. notices],
                };
            }
            catch (NodeException e) when (problems is not null && e is RelayUnreachableException or RelayRejectedException or RelayMisbehavedException or RelayPinMismatchException or InsecureRelayAddressException)
            {
                problems.Add(e.Message);
            }
        }

        return result;
    }

    /// <summary>Everything, reporting a relay that cannot be reached or refuses in <see cref="SyncResult.Problems"/> and syncing the rest.</summary>
    public async Task<SyncResult> SyncAsync(CancellationToken cancellationToken)
    {
        using var deferred = node.Vault.DeferCheckpoints();
        var problems = new List<string>();
        var notices = new List<string>();
        await cells.DeliverWelcomesAsync(problems, notices, cancellationToken).ConfigureAwait(false);
        var contactResult = await ReceiveAsync(problems, cancellationToken).ConfigureAwait(false);
        var received = new List<InboxMessage>();
        var removed = new List<string>();
        var groupIds = new List<byte[]>();
        foreach (var record in node.Cells.All().Where(c => c.IsMember))
        {
            // One damaged or unreachable cell is reported; the others are still synced.
            try
            {
                var stillMember = await node.Cells.RunAsync(record, async (cell, store) =>
                {
                    groupIds.Add(cell.Group.GroupId);
                    try
                    {
                        await cell.SyncAsync(TimeSpan.Zero, [], cancellationToken).ConfigureAwait(false);
                        if (cell.TakeLostWay())
                        {
                            await cells.AskToBeAddedBackAsync(store.Record, cell, notices, cancellationToken).ConfigureAwait(false);
                        }

                        await cells.ServeReAddsAsync(cell, store, notices, cancellationToken).ConfigureAwait(false);
                        await cells.AnswerBurnAsync(store.Record, cell, notices, cancellationToken).ConfigureAwait(false);
                    }
                    finally
                    {
                        notices.AddRange(cell.TakeGapNotices().Select(n => Cell.Said(record.Name, n)));
                        problems.AddRange(cell.TakeNotices().Select(n => Cell.Said(record.Name, n)));
                    }

                    received.AddRange(store.TakeStored());
                    return store.Record.IsMember;
                }).ConfigureAwait(false);
                if (!stillMember)
                {
                    removed.Add(record.Name);
                }
            }
            catch (NodeException e) when (e is RelayUnreachableException or RelayRejectedException or RelayMisbehavedException or RelayPinMismatchException or InsecureRelayAddressException or VaultCorruptedException or CellBusyException or FellBehindException)
            {
                problems.Add($"Cell \"{record.Name}\": {e.Message}");
            }
        }

        cells.RefuseUnknownReAdds(groupIds, notices);
        try
        {
            await council.AdvanceAsync(notices, cancellationToken).ConfigureAwait(false);
        }
        catch (NodeException e) when (e is RelayUnreachableException or RelayRejectedException or RelayMisbehavedException or CellBusyException or FellBehindException)
        {
            problems.Add($"Signing: {e.Message}");
        }

        await cells.DeliverWelcomesAsync(problems, notices, cancellationToken).ConfigureAwait(false);
        await reserves.ForgetSpentAsync().ConfigureAwait(false);
        return new SyncResult(received, removed, contactResult, problems) { Notices = [.. contactResult.Notices, .. notices] };
    }

    /// <summary>What came through one contact's pairwise drop; each envelope is committed with the contact's cursor (the drop is never trimmed: its envelopes expire by the relay's retention).</summary>
    private async Task ReceiveFromContactAsync(IRelay relay, byte[] contactId, List<string> rejected, List<string> joined, List<string> waiting, List<string> notices, CancellationToken cancellationToken)
    {
        using var contact = node.Contacts.Get(contactId) ?? throw new VaultCorruptedException("A contact vanished from the vault.");
        var from = contact.OurDropCursor;
        var envelopes = await FetchOurDropAsync(relay, contact, from, notices, cancellationToken).ConfigureAwait(false);
        var readBefore = 0L;
        if (from > 0 && envelopes.Count > 0 && PairwiseChannel.TryOpen(contact, envelopes[0].Data) is { } first && first.Sequence > contact.Received.Highest + 1)
        {
            // Messages before this one are missing: on a NATS relay the drop may have restarted its
            // numbering below our cursor (docs/relay-api.md). Read it all again; what was read before
            // is dropped by its sequence number, without a word.
            envelopes = await FetchOurDropAsync(relay, contact, 0, notices, cancellationToken).ConfigureAwait(false);
            readBefore = from;
        }

        foreach (var envelope in envelopes)
        {
            contact.OurDropCursor = envelope.Seq;
            var opened = PairwiseChannel.TryOpen(contact, envelope.Data);
            if (opened is not null && envelope.Seq <= readBefore && contact.Received.Accept(opened.Value.Sequence) is null)
            {
                node.Contacts.Put(contact);
                continue;
            }

            if (opened is null || contact.Received.Accept(opened.Value.Sequence) is not { } received)
            {
                rejected.Add(opened is null
                    ? $"An envelope in the drop shared with \"{contact.TheirCodeName}\" was not sealed by them (forged or altered) and was ignored."
                    : $"An envelope in the drop shared with \"{contact.TheirCodeName}\" repeated a message already received (appended again) and was ignored.");
                node.Contacts.Put(contact);
                continue;
            }

            // Stored with whatever the message changes, in the same transaction, by each case below.
            contact.Received = received;
            switch (opened.Value)
            {
                case (PairwiseMessageType.Welcome, _, var body):
                    await cells.JoinAsync(relay, contact, body, rejected, joined, waiting, notices, cancellationToken).ConfigureAwait(false);
                    break;
                case (PairwiseMessageType.KeyPackage, _, var body):
                    contacts.StoreKeyPackage(contact, body, rejected);
                    break;
                case (PairwiseMessageType.ReAdd, _, var body):
                    cells.ReceiveReAdd(contact, body, rejected);
                    break;
                case (PairwiseMessageType.Introduction, _, var body):
                    introductions.Receive(relay, contact, body, rejected);
                    break;
                case (PairwiseMessageType.ReserveShare, _, var body):
                    reserves.Receive(contact, body, rejected);
                    break;
                case (PairwiseMessageType.AuthorityShare, _, var body):
                    await council.ReceiveAsync(contact, body, rejected).ConfigureAwait(false);
                    break;
                default:
                    rejected.Add($"\"{contact.TheirCodeName}\" sent a message of a kind this node does not know; it was ignored.");
                    node.Contacts.Put(contact);
                    break;
            }
        }
    }

    /// <summary>
    /// What is new in the drop <paramref name="contact"/> writes to us. Nobody trims it, so the relay's
    /// retention empties it: a NATS relay then restarts its numbering (<c>out_of_range</c> for our
    /// cursor), and a relay deletes it when it stayed empty and unused for the retention period
    /// (<c>no_such_drop</c>). Either way we read it again from the start, creating it again (we hold
    /// its read key and derive its append key) when it is gone; the pairwise sequence numbers drop
    /// anything read before (<see cref="ReplayWindow"/>).
    /// </summary>
    private async Task<IReadOnlyList<FetchedEnvelope>> FetchOurDropAsync(IRelay relay, ContactRecord contact, long after, List<string> notices, CancellationToken cancellationToken)
    {
        using var readKey = DropReadKey.Import(contact.OurDropReadSeed);
        var drop = DropName.FromBytes(contact.OurDrop);
        try
        {
            return (await relay.FetchAsync(drop, readKey, after, TimeSpan.Zero, cancellationToken).ConfigureAwait(false)).Envelopes;
        }
        catch (RelayRejectedException e) when (e.RelayError == "out_of_range")
        {
            // Every envelope expired and the numbering restarted: what is there now is new.
        }
        catch (RelayRejectedException e) when (e.RelayError == "no_such_drop")
        {
            using (var appendKey = PairwiseChannel.AppendKey(contact.PairwiseSecret, contact.WeAreFirst, sending: false))
            {
                await relay.CreateDropAsync(drop, readKey, appendKey, cancellationToken).ConfigureAwait(false);
            }

            notices.Add($"The relay had deleted the drop where \"{contact.TheirCodeName}\" writes to this node (it stayed unread longer than the relay keeps an unused drop); it was created again. What they sent before it was deleted is lost to this node; they can send it again.");
        }

        contact.OurDropCursor = 0;
        node.Contacts.Put(contact);
        return (await relay.FetchAsync(drop, readKey, 0, TimeSpan.Zero, cancellationToken).ConfigureAwait(false)).Envelopes;
    }
}
