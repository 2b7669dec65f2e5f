using System.Security.Cryptography;
using Courier.Node.Contacts;
using Courier.Node.Relay;
using Courier.Node.Storage;
using Courier.Relay.Client;

namespace Courier.Node.Introductions;

/// <summary>
/// Introductions (docs/node.md): vouching for two contacts to each other, answering an introduction
/// received, and completing it once the other party's answer has come.
/// </summary>
internal sealed class IntroductionService(NodeContext node, ContactService contacts)
{
    /// <summary>
    /// Signs, for each contact, a statement that vouches for the other and delivers it through their
    /// pairwise drop; both are queued (<see cref="PairwiseOutbox"/>) before either leaves. Returns what
    /// the user should know: a statement that waits for a drop the relay deleted.
    /// </summary>
    /// <exception cref="UnknownContactException">Either contact is unknown.</exception>
    /// <exception cref="ArgumentException">Both names are the same contact, or their drops are on different relays.</exception>
    public async Task<IReadOnlyList<string>> IntroduceAsync(string first, string second, CancellationToken cancellationToken)
    {
        using var a = node.Contacts.Find(first);
        using var b = node.Contacts.Find(second);
        if (a.Id.AsSpan().SequenceEqual(b.Id))
        {
            throw new ArgumentException("A contact cannot be introduced to itself.", nameof(second));
        }

        if (a.Relay != b.Relay)
        {
            throw new ArgumentException($"Both contacts must have their dead drops on the same relay (\"{a.TheirCodeName}\" uses {a.Relay}, \"{b.TheirCodeName}\" {b.Relay}).", nameof(second));
        }

        var relay = node.Relays.At(a.Relay);
        var id = RandomNumberGenerator.GetBytes(IntroductionStatement.IdSize);
        var secret = GC.AllocateArray<byte>(IntroductionStatement.SecretSize, pinned: true);
        RandomNumberGenerator.Fill(secret);
        try
        {
            var expiresAt = (node.Options.Time.GetUtcNow() + node.Options.IntroductionLifetime).ToUnixTimeSeconds();
            var forA = Statement(id, IntroductionRole.First, a, b.TheirCodeName, secret, expiresAt);
            var forB = Statement(id, IntroductionRole.Second, b, a.TheirCodeName, secret, expiresAt);

            // The two drops the parties exchange their offers through, readable only with keys from the secret.
            foreach (var role in new[] { IntroductionRole.First, IntroductionRole.Second })
            {
                using var readKey = IntroductionSecrets.ReadKeyOf(forA, role);
                using var appendKey = IntroductionSecrets.AppendKeyOf(forA, role);
                await relay.CreateDropAsync(IntroductionSecrets.DropOf(forA, role), readKey, appendKey, cancellationToken).ConfigureAwait(false);
            }

            var toA = node.Pairwise.Queue(a, PairwiseMessageType.Introduction, forA.SignAndEncode(a.OurSigningSeed));
            var toB = node.Pairwise.Queue(b, PairwiseMessageType.Introduction, forB.SignAndEncode(b.OurSigningSeed));
            var notices = new List<string>();
            await node.Pairwise.DeliverAsync(relay, a, toA, notices, cancellationToken).ConfigureAwait(false);
            await node.Pairwise.DeliverAsync(relay, b, toB, notices, cancellationToken).ConfigureAwait(false);
            return notices;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>
    /// An introduction from <paramref name="introducer"/>: verified, and answered with a fresh identity
    /// for the introduced party, stored (with the contact's cursor) before the offer leaves. One
    /// pending or completed already (the same id) changes nothing.
    /// </summary>
    public void Receive(IRelay relay, ContactRecord introducer, byte[] body, List<string> rejected)
    {
        var statement = IntroductionStatement.DecodeAndVerify(body, introducer, out var why);
        if (statement is null)
        {
            rejected.Add($"An introduction from \"{introducer.TheirCodeName}\" was refused: {why}.");
        }
        else if (statement.ExpiresAt <= node.Now)
        {
            rejected.Add($"An introduction from \"{introducer.TheirCodeName}\" to \"{statement.PeerName}\" had expired.");
        }
        else if (node.Vault.Exists(VaultCollection.PendingIntroduction, PendingIntroduction.LookupName(statement.Id)) || UsedIntroductions.Contains(node.Vault, statement.Id))
        {
            rejected.Add($"An introduction from \"{introducer.TheirCodeName}\" to \"{statement.PeerName}\" had already been received and was ignored (an introduction is used once).");
        }
        else
        {
            // The offer goes out with the pending introductions (AdvanceAsync).
            using var pending = Answer(relay, introducer, statement);
            using var transaction = node.Vault.Begin();
            ContactRepository.Put(transaction, introducer);
            transaction.PutWiped(VaultCollection.PendingIntroduction, pending.RecordId, pending.Encode(), PendingIntroduction.LookupName(pending.Statement.Id));
            transaction.Commit();
            return;
        }

        node.Contacts.Put(introducer);
    }

    /// <summary>Re-sends our offers, looks for the other parties' and stores the contacts whose have come; drops expired introductions.</summary>
    public async Task<(List<Contact> Added, int Waiting)> AdvanceAsync(IRelay relay, List<string> rejected, CancellationToken cancellationToken)
    {
        UsedIntroductions.ForgetExpired(node.Vault, node.Now);
        var added = new List<Contact>();
        var waiting = 0;
        foreach (var introduction in node.Vault.ReadAll(VaultCollection.PendingIntroduction, PendingIntroduction.Decode))
        {
            using (introduction)
            {
                if (introduction.Relay != relay.Address)
                {
                    continue;
                }

                var (contact, stillWaiting) = await AdvanceAsync(relay, introduction, rejected, cancellationToken).ConfigureAwait(false);
                if (contact is not null)
                {
                    added.Add(contact);
                }

                waiting += stillWaiting ? 1 : 0;
            }
        }

        return (added, waiting);
    }

    private static IntroductionStatement Statement(byte[] id, IntroductionRole role, ContactRecord recipient, string peerName, byte[] secret, long expiresAt) => new()
    {
        Id = id,
        Role = role,
        IntroducerKey = recipient.OurSigningKey,
        RecipientKey = recipient.TheirSigningKey,
        PeerName = peerName,
        Secret = secret,
        ExpiresAt = expiresAt,
    };

    /// <summary>
    /// Appends our offer to the other party's introduction drop; idempotent, so it is simply repeated
    /// until answered. False (and a note in <paramref name="rejected"/>) when the relay refuses it,
    /// for example because the introducer never created the drops.
    /// </summary>
    private static async Task<bool> SendOfferAsync(IRelay relay, PendingIntroduction pending, List<string> rejected, CancellationToken cancellationToken)
    {
        var statement = pending.Statement;
        var reader = IntroductionSecrets.Other(statement.Role);
        try
        {
            using var appendKey = IntroductionSecrets.AppendKeyOf(statement, reader);
            await relay.AppendAsync(IntroductionSecrets.DropOf(statement, reader), appendKey, pending.OfferEnvelope, IntroductionSecrets.OfferMessageId(statement, statement.Role), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RelayRejectedException e)
        {
            rejected.Add($"The relay refused our answer to the introduction to \"{statement.PeerName}\" ({e.Message}); it stays pending.");
            return false;
        }
    }

    /// <summary>Our answer to a verified introduction: a fresh identity for the introduced party and its sealed offer.</summary>
    private PendingIntroduction Answer(IRelay relay, ContactRecord introducer, IntroductionStatement statement)
    {
        var ours = PairwiseIdentity.Create(null, node.Options, node.SuiteFor(relay.Address));
        try
        {
            var (envelope, digest) = IntroductionOffers.Seal(statement, ours);
            return new PendingIntroduction
            {
                RecordId = Vault.NewId(),
                Statement = statement,
                IntroducerId = introducer.Id,
                IntroducerName = introducer.TheirCodeName,
                Ours = ours,
                OfferEnvelope = envelope,
                OfferDigest = digest,
                Relay = relay.Address,
            };
        }
        catch
        {
            ours.Dispose();
            throw;
        }
    }

    /// <summary>One pending introduction: the contact once the other party's offer has come; whether it still waits.</summary>
    private async Task<(Contact? Added, bool Waiting)> AdvanceAsync(IRelay relay, PendingIntroduction introduction, List<string> rejected, CancellationToken cancellationToken)
    {
        var statement = introduction.Statement;
        if (statement.ExpiresAt <= node.Now)
        {
            rejected.Add($"The introduction to \"{statement.PeerName}\" by \"{introduction.IntroducerName}\" expired without an answer.");
            using var transaction = node.Vault.Begin();
            transaction.Delete(introduction.RecordId);
            transaction.Commit();
            return (null, false);
        }

        if (!await SendOfferAsync(relay, introduction, rejected, cancellationToken).ConfigureAwait(false))
        {
            return (null, true);
        }

        using var readKey = IntroductionSecrets.ReadKeyOf(statement, statement.Role);
        IReadOnlyList<FetchedEnvelope> envelopes;
        try
        {
            envelopes = (await relay.FetchAsync(IntroductionSecrets.DropOf(statement, statement.Role), readKey, 0, TimeSpan.Zero, cancellationToken).ConfigureAwait(false)).Envelopes;
        }
        catch (RelayRejectedException e)
        {
            rejected.Add($"The relay refused the answer drop of the introduction to \"{statement.PeerName}\" ({e.Message}); it stays pending.");
            return (null, true);
        }

        foreach (var envelope in envelopes)
        {
            var theirs = IntroductionOffers.TryOpen(envelope.Data, statement);
            if (theirs is null)
            {
                rejected.Add($"An answer to the introduction to \"{statement.PeerName}\" did not verify and was ignored.");
                continue;
            }

            var (firstDigest, secondDigest) = statement.Role == IntroductionRole.First ? (introduction.OfferDigest, theirs.Digest()) : (theirs.Digest(), introduction.OfferDigest);
            using var established = new EstablishedContact(introduction.Ours, theirs, IntroductionSecrets.PairwiseSecret(statement, firstDigest, secondDigest), statement.Role == IntroductionRole.First)
            {
                IntroducedBy = introduction.IntroducerId,
                IntroducedByName = introduction.IntroducerName,
                IntroducedAs = statement.PeerName,
            };
            var completed = (Action<VaultTransaction>)(transaction =>
            {
                transaction.Delete(introduction.RecordId);
                UsedIntroductions.Put(transaction, statement);
            });
            return (await contacts.StoreAsync(relay, established, completed, null, cancellationToken).ConfigureAwait(false), false);
        }

        return (null, true);
    }
}
