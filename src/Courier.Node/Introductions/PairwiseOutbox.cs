using Courier.Node.Contacts;
using Courier.Node.Relay;
using Courier.Node.Storage;
using Courier.Node.Wire;
using Courier.Relay.Client;

namespace Courier.Node.Introductions;

/// <summary>
/// A pairwise message on its way to a contact (docs/node.md, "Pairwise outbox"): an introduction, a
/// KeyPackage or a cell's Welcome, sealed once, with its sequence number, and kept in the vault until
/// the relay acknowledged it, so that a drop the relay deleted (its reader away past retention) or a
/// relay out of reach loses nothing. The record id is the append's message id: a retry sends the same
/// bytes and the relay stores them once. <see cref="RefusalSaid"/> records that a refusal was said, so
/// it is said once, not every sync. Encoded <c>u8 version || contact id (16) || i64 sequence || i64
/// queued at || u8 type || opaque envelope || u8 refusal said</c> (version 2; version 1 lacks the last
/// byte and reads as not said).
/// </summary>
internal sealed record PairwiseOutboxEntry(byte[] Id, byte[] ContactId, long Sequence, long QueuedAt, PairwiseMessageType Type, byte[] Envelope)
{
    private const byte Version = 2;

    /// <summary>Written before refusals were said once.</summary>
    private const byte UnmarkedVersion = 1;

    /// <summary>True once the relay's refusal of this message (other than a deleted drop) was said: it is not said again.</summary>
    public bool RefusalSaid { get; init; }

    public byte[] Encode()
    {
        using var writer = new RecordWriter(Envelope.Length + 64);
        return writer.U8(Version).Fixed(ContactId).I64(Sequence).I64(QueuedAt).U8((byte)Type).Opaque(Envelope).U8(RefusalSaid ? (byte)1 : (byte)0).ToArray();
    }

    /// <exception cref="MalformedRecordException">The plaintext is not a pairwise outbox entry.</exception>
    public static PairwiseOutboxEntry Decode(byte[] id, ReadOnlySpan<byte> bytes)
    {
        var reader = new RecordReader(bytes, "pairwise outbox entry");
        var version = reader.U8();
        if (version is not (Version or UnmarkedVersion))
        {
            throw reader.Error("its version is unknown");
        }

        var entry = new PairwiseOutboxEntry(id, reader.Fixed(Vault.IdSize).ToArray(), reader.I64(), reader.I64(), (PairwiseMessageType)reader.U8(), reader.Opaque(EnvelopeSizes.Max));
        var said = version == Version ? reader.U8() : 0;
        reader.EnsureEnd();
        return said <= 1 ? entry with { RefusalSaid = said == 1 } : throw reader.Error("its refusal mark is malformed");
    }
}

/// <summary>Sends pairwise messages through the outbox: queued with the contact's new sequence number in one transaction, then appended, and kept until the relay took them.</summary>
internal sealed class PairwiseOutbox(NodeContext node)
{
    /// <summary>Every waiting message, oldest first.</summary>
    public List<PairwiseOutboxEntry> All()
        => [.. node.Vault.ReadAll(VaultCollection.PairwiseOutbox, PairwiseOutboxEntry.Decode).OrderBy(e => e.QueuedAt).ThenBy(e => e.Sequence)];

    /// <summary>
    /// Seals the next message to <paramref name="contact"/> and stores it, with the contact's sequence
    /// number, before anything leaves: a crash after this loses nothing and sends nothing twice.
    /// <paramref name="also"/> runs in the same transaction (a Welcome's hand-off record is deleted there).
    /// </summary>
    public PairwiseOutboxEntry Queue(ContactRecord contact, PairwiseMessageType type, ReadOnlySpan<byte> body, Action<VaultTransaction>? also = null)
    {
        contact.LastSent++;
        var entry = new PairwiseOutboxEntry(Vault.NewId(), contact.Id, contact.LastSent, node.Now, type, PairwiseChannel.Seal(contact, contact.LastSent, type, body));
        using var transaction = node.Vault.Begin();
        ContactRepository.Put(transaction, contact);
        transaction.Put(VaultCollection.PairwiseOutbox, entry.Id, entry.Encode());
        also?.Invoke(transaction);
        transaction.Commit();
        return entry;
    }

    /// <summary>Queues the message and tries to deliver it at once; a drop the relay deleted is said in <paramref name="notices"/> and the message waits for a later sync.</summary>
    public async Task SendAsync(IRelay relay, ContactRecord contact, PairwiseMessageType type, byte[] body, List<string> notices, CancellationToken cancellationToken)
        => await DeliverAsync(relay, contact, Queue(contact, type, body), notices, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Appends a queued message and deletes it once the relay acknowledged it. A drop the relay no
    /// longer has (<c>no_such_drop</c>: deleted as idle, with its keys, until its reader creates it
    /// again) keeps it waiting, said once; other failures are thrown with the message still queued.
    /// </summary>
    public async Task<bool> DeliverAsync(IRelay relay, ContactRecord contact, PairwiseOutboxEntry entry, List<string> notices, CancellationToken cancellationToken)
    {
        try
        {
            await PairwiseChannel.AppendAsync(relay, contact, entry.Envelope, MessageId.FromBytes(entry.Id), cancellationToken).ConfigureAwait(false);
        }
        catch (RelayRejectedException e) when (e.RelayError == "no_such_drop")
        {
            notices.Add($"A message to \"{contact.TheirCodeName}\" waits: the relay had deleted the drop this node writes to them (they did not read it for longer than the relay keeps an unused drop). It goes out with a sync after they have synced again; nothing needs to be sent again.");
            return false;
        }

        using var transaction = node.Vault.Begin();
        transaction.Delete(entry.Id);
        transaction.Commit();
        return true;
    }

    /// <summary>
    /// Delivers a message just queued, as <see cref="DeliverAsync"/>, but says a refusal once in
    /// <paramref name="notices"/> (the message waits) instead of throwing; a relay out of reach is thrown.
    /// </summary>
    public async Task DeliverNewAsync(IRelay relay, ContactRecord contact, PairwiseOutboxEntry entry, List<string> notices, CancellationToken cancellationToken)
    {
        try
        {
            await DeliverAsync(relay, contact, entry, notices, cancellationToken).ConfigureAwait(false);
        }
        catch (RelayRejectedException e)
        {
            SayRefusal(contact, entry, e, notices);
        }
    }

    /// <summary>
    /// On a sync: the waiting messages to contacts on the relay at <paramref name="address"/>, in order. One whose drop
    /// is still missing keeps waiting without a word (it was said when queued); one delivered now is
    /// said once. A refusal is said once and the message kept (<see cref="PairwiseOutboxEntry.RefusalSaid"/>); a relay out of reach is thrown.
    /// </summary>
    public async Task DeliverWaitingAsync(string address, IRelay relay, List<string> notices, CancellationToken cancellationToken)
    {
        foreach (var entry in All())
        {
            using var contact = node.Contacts.Get(entry.ContactId);
            if (contact is null)
            {
                // Its contact is gone: nothing to deliver it to.
                using var transaction = node.Vault.Begin();
                transaction.Delete(entry.Id);
                transaction.Commit();
                continue;
            }

            if (contact.Relay != address)
            {
                continue;
            }

            try
            {
                if (await DeliverAsync(relay, contact, entry, [], cancellationToken).ConfigureAwait(false))
                {
                    notices.Add($"A message to \"{contact.TheirCodeName}\" that waited was delivered.");
                }
            }
            catch (RelayRejectedException e)
            {
                SayRefusal(contact, entry, e, notices);
            }
        }
    }

    /// <summary>A refusal said once per message: marked in its record, so later syncs retry it without a word.</summary>
    private void SayRefusal(ContactRecord contact, PairwiseOutboxEntry entry, RelayRejectedException refusal, List<string> notices)
    {
        if (entry.RefusalSaid)
        {
            return;
        }

        notices.Add($"A message to \"{contact.TheirCodeName}\" waits: the relay refused it ({refusal.RelayError ?? "refused"}). It is kept and tried again with every sync, without another word, and goes out once the relay takes it. If it never does, ask them to sync (their drop may be full), or make contact with them again.");
        using var transaction = node.Vault.Begin();
        transaction.Put(VaultCollection.PairwiseOutbox, entry.Id, (entry with { RefusalSaid = true }).Encode());
        transaction.Commit();
    }
}
