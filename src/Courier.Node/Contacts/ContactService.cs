using Courier.Mls;
using Courier.Mls.Codec;
using Courier.Node.FirstContact;
using Courier.Node.Introductions;
using Courier.Node.Relay;
using Courier.Node.Storage;
using Courier.Relay.Client;

namespace Courier.Node.Contacts;

/// <summary>Contacts: first contact by phrase (invite, accept), storing a contact both sides agreed on, their KeyPackages.</summary>
internal sealed class ContactService(NodeContext node)
{
    public IReadOnlyList<Contact> List()
        => node.Contacts.Select(c => c.ToContact()).OrderBy(c => c.AddedAt).ThenBy(c => c.Id, StringComparer.Ordinal).ToList();

    public Contact Find(string idOrName)
    {
        using var record = node.Contacts.Find(idOrName);
        return record.ToContact();
    }

    public Task<Invitation> InviteAsync(Uri relayAddress, string? phrase, string? codeName, CancellationToken cancellationToken)
    {
        var relay = node.Relays.At(relayAddress);
        return Invitation.StartAsync(relay, phrase, (established, beforeCommit, ct) => StoreAsync(relay, established, null, beforeCommit, ct), codeName, node.Options, node.SuiteFor(relay.Address), cancellationToken);
    }

    public Task<Contact> AcceptAsync(Uri relayAddress, string code, string? codeName, CancellationToken cancellationToken)
    {
        var parsed = InvitationCode.Parse(code);
        var relay = node.Relays.At(relayAddress);
        return FirstContactProtocol.AcceptAsync(relay, parsed, (established, beforeCommit, ct) => StoreAsync(relay, established, null, beforeCommit, ct), codeName, node.Options, node.SuiteFor(relay.Address), cancellationToken);
    }

    /// <summary>
    /// Creates our new drop at the relay, runs <paramref name="beforeCommit"/>, then stores the contact
    /// (with what <paramref name="alsoInTransaction"/> writes) in one transaction. KeyPackages that do not
    /// validate are left out, so that none fails later in a commit.
    /// </summary>
    public async Task<Contact> StoreAsync(IRelay relay, EstablishedContact established, Action<VaultTransaction>? alsoInTransaction, Func<CancellationToken, Task>? beforeCommit, CancellationToken cancellationToken)
    {
        using (var readKey = DropReadKey.Import(established.Ours.DropReadSeed))
        using (var appendKey = PairwiseChannel.AppendKey(established.PairwiseSecret, established.WeAreFirst, sending: false))
        {
            await relay.CreateDropAsync(DropName.FromBytes(established.Ours.DropName), readKey, appendKey, cancellationToken).ConfigureAwait(false);
        }

        if (beforeCommit is not null)
        {
            await beforeCommit(cancellationToken).ConfigureAwait(false);
        }

        using var record = new ContactRecord
        {
            Id = Vault.NewId(),
            TheirCodeName = established.Theirs.CodeName,
            OurCodeName = established.Ours.CodeName,
            TheirSigningKey = established.Theirs.SigningKey,
            OurSigningSeed = ContactRepository.Copy(established.Ours.SigningSeed),
            PairwiseSecret = ContactRepository.Copy(established.PairwiseSecret),
            WeAreFirst = established.WeAreFirst,
            TheirDrop = established.Theirs.DropName,
            OurDrop = established.Ours.DropName,
            OurDropReadSeed = ContactRepository.Copy(established.Ours.DropReadSeed),
            TheirKeyPackages = established.Theirs.KeyPackages.Where(IsValidKeyPackage).ToList(),
            OurBundles = established.Ours.Bundles.Select(b => b.Serialize()).ToList(),
            IntroducedBy = established.IntroducedBy,
            IntroducedByName = established.IntroducedByName,
            IntroducedAs = established.IntroducedAs,
            AddedAt = node.Now,
            Relay = relay.Address,
        };
        using var transaction = node.Vault.Begin();
        ContactRepository.Put(transaction, record);
        alsoInTransaction?.Invoke(transaction);
        transaction.Commit();
        return record.ToContact();
    }

    /// <summary>A fresh KeyPackage from a contact, for adding them to the next cell; one that does not validate is refused and reported.</summary>
    public void StoreKeyPackage(ContactRecord contact, byte[] keyPackage, List<string> rejected)
    {
        if (keyPackage.Length > ContactOffer.MaxKeyPackageSize || !IsValidKeyPackage(keyPackage))
        {
            rejected.Add($"\"{contact.TheirCodeName}\" sent a KeyPackage that is too large or invalid; it was ignored.");
        }
        else
        {
            contact.TheirKeyPackages = [.. contact.TheirKeyPackages.TakeLast(ContactOffer.MaxKeyPackages - 1), keyPackage];
        }

        node.Contacts.Put(contact);
    }

    /// <summary>RFC 9420 §10.1: a KeyPackage an add could use (its signatures, suite, lifetime now).</summary>
    private bool IsValidKeyPackage(byte[] keyPackage)
    {
        try
        {
            Mls.Group.KeyPackages.Validate(keyPackage, node.Options.Time);
            return true;
        }
        catch (Exception e) when (e is MessageRejectedException or DecodeException)
        {
            return false;
        }
    }
}
