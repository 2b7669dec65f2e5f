using System.Security.Cryptography;
using Courier.Node.Contacts;
using Courier.Node.FirstContact;
using Courier.Node.Introductions;
using Courier.Node.Relay;
using Courier.Node.Storage;
using Courier.Node.Wire;

namespace Courier.Node;

/// <summary>
/// A member's node: its vault in a home directory, its contacts, first contact by phrase and
/// introductions (docs/node.md). Open one node per home directory at a time; a second open, in this
/// process or another, is refused with <see cref="HomeLockedException"/>. Not thread-safe: one
/// operation at a time (an <see cref="Invitation"/> waiting in <see cref="Invitation.CompleteAsync"/>
/// counts as one).
/// </summary>
/// <remarks>
/// Every user-facing failure is a <see cref="NodeException"/> whose message can be shown as it is;
/// <see cref="ArgumentException"/> means a caller bug.
/// </remarks>
public sealed partial class CourierNode : IDisposable
{
    private readonly Vault _vault;
    private readonly NodeOptions _options;

    private CourierNode(string home, Vault vault, NodeOptions options)
    {
        Home = home;
        _vault = vault;
        _options = options;
    }

    /// <summary>The default home directory: <c>~/.courier</c>.</summary>
    public static string DefaultHome => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".courier");

    /// <summary>The home directory this node has open.</summary>
    public string Home { get; }

    /// <summary>The Argon2id parameters of this vault's passphrase.</summary>
    public VaultKdfParameters Kdf => _vault.Kdf;

    /// <summary>Every contact, oldest first.</summary>
    /// <exception cref="VaultCorruptedException">A contact record is damaged.</exception>
    public IReadOnlyList<Contact> Contacts => LoadContacts(c => c.ToContact()).OrderBy(c => c.AddedAt).ThenBy(c => c.Id, StringComparer.Ordinal).ToList();

    /// <summary>Creates a vault in <paramref name="home"/> (the directory is created, readable only by its owner) and opens it.</summary>
    /// <exception cref="VaultExistsException">The home already holds a vault; nothing was changed.</exception>
    /// <exception cref="HomeLockedException">Another node has the home open.</exception>
    public static CourierNode Init(string home, ReadOnlySpan<char> passphrase, NodeOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(home);
        options ??= new NodeOptions();
        options.Validate();
        return new CourierNode(home, Vault.Create(home, passphrase, options.Kdf), options);
    }

    /// <summary>Opens the vault in <paramref name="home"/>.</summary>
    /// <exception cref="VaultNotFoundException">The home holds no vault.</exception>
    /// <exception cref="HomeLockedException">Another node has the home open.</exception>
    /// <exception cref="WrongPassphraseException">The passphrase is wrong; nothing was read or changed.</exception>
    /// <exception cref="VaultCorruptedException">The vault's files are damaged.</exception>
    public static CourierNode Open(string home, ReadOnlySpan<char> passphrase, NodeOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(home);
        options ??= new NodeOptions();
        options.Validate();
        return new CourierNode(home, Vault.Open(home, passphrase), options);
    }

    /// <summary>The contact whose id (32 hex digits) or code name (any case) is <paramref name="idOrName"/>.</summary>
    /// <exception cref="UnknownContactException">No contact, or several contacts, have that name.</exception>
    public Contact FindContact(string idOrName)
    {
        using var record = FindRecord(idOrName);
        return record.ToContact();
    }

    /// <summary>
    /// Starts a first contact as the inviter: allocates a nameplate at <paramref name="relay"/> and
    /// returns the invitation, whose <see cref="Invitation.Code"/> the user passes on and whose
    /// <see cref="Invitation.CompleteAsync"/> waits for the other side and stores the contact.
    /// </summary>
    /// <param name="relay">The relay of the nameplate and of the new contact's dead drops.</param>
    /// <param name="phrase">A phrase agreed with the other person, or null for three random words.</param>
    /// <param name="codeName">The code name this contact will know us by, or null for a fresh random one.</param>
    /// <param name="cancellationToken">Cancels the relay calls.</param>
    public Task<Invitation> InviteAsync(IRelay relay, string? phrase = null, string? codeName = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(relay);
        CheckCodeName(codeName);
        return Invitation.StartAsync(relay, phrase, (established, beforeCommit, ct) => StoreAsync(relay, established, null, beforeCommit, ct), codeName, _options, cancellationToken);
    }

    /// <summary>Accepts an invitation: runs first contact with the inviter through <paramref name="relay"/> and stores the contact.</summary>
    /// <param name="relay">The relay the inviter used.</param>
    /// <param name="code">The code from the inviter: <c>&lt;nameplate&gt;-&lt;words or phrase&gt;</c>.</param>
    /// <param name="codeName">The code name this contact will know us by, or null for a fresh random one.</param>
    /// <param name="cancellationToken">Cancels the relay calls.</param>
    /// <exception cref="InvalidCodeException">The code is not an invitation code.</exception>
    /// <exception cref="InvitationUnavailableException">The nameplate is unknown: expired, used, burned or mistyped.</exception>
    /// <exception cref="WrongCodeException">The inviter used a different code; nothing was stored.</exception>
    /// <exception cref="FirstContactFailedException">No answer in time, or a message that does not verify; nothing was stored.</exception>
    /// <exception cref="RelayUnreachableException">The relay could not be reached.</exception>
    public Task<Contact> AcceptAsync(IRelay relay, string code, string? codeName = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(relay);
        CheckCodeName(codeName);
        var parsed = InvitationCode.Parse(code);
        return FirstContactProtocol.AcceptAsync(relay, parsed, (established, beforeCommit, ct) => StoreAsync(relay, established, null, beforeCommit, ct), codeName, _options, cancellationToken);
    }

    /// <summary>
    /// Introduces two contacts to each other: signs, for each, a statement that vouches for the other
    /// (with our pairwise key for that contact) and delivers it through their pairwise dead drop.
    /// Each then answers through <see cref="ReceiveAsync"/>; once both have, each holds the other as
    /// a contact marked as introduced by us. Nothing is stored here.
    /// </summary>
    /// <exception cref="UnknownContactException">Either contact is unknown.</exception>
    /// <exception cref="ArgumentException">Both names are the same contact, or a contact's drops are on another relay.</exception>
    public async Task IntroduceAsync(IRelay relay, string first, string second, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(relay);
        using var a = FindRecord(first);
        using var b = FindRecord(second);
        if (a.Id.AsSpan().SequenceEqual(b.Id))
        {
            throw new ArgumentException("A contact cannot be introduced to itself.", nameof(second));
        }

        if (a.Relay != relay.Address || b.Relay != relay.Address)
        {
            throw new ArgumentException($"Both contacts must have their dead drops on {relay.Address}.", nameof(relay));
        }

        var id = RandomNumberGenerator.GetBytes(IntroductionStatement.IdSize);
        var secret = GC.AllocateArray<byte>(IntroductionStatement.SecretSize, pinned: true);
        RandomNumberGenerator.Fill(secret);
        try
        {
            var expiresAt = (_options.Time.GetUtcNow() + _options.IntroductionLifetime).ToUnixTimeSeconds();
            var forA = Statement(id, IntroductionRole.First, a, b.TheirCodeName, secret, expiresAt);
            var forB = Statement(id, IntroductionRole.Second, b, a.TheirCodeName, secret, expiresAt);

            // The two drops the parties exchange their offers through, readable only with keys from the secret.
            foreach (var role in new[] { IntroductionRole.First, IntroductionRole.Second })
            {
                using var readKey = IntroductionSecrets.ReadKeyOf(forA, role);
                await relay.CreateAsync(IntroductionSecrets.DropOf(forA, role), readKey, cancellationToken).ConfigureAwait(false);
            }

            await relay.AppendAsync(a.TheirDrop, PairwiseChannel.Seal(a, PairwiseMessageType.Introduction, forA.SignAndEncode(a.OurSigningSeed)), Guid.NewGuid(), cancellationToken).ConfigureAwait(false);
            await relay.AppendAsync(b.TheirDrop, PairwiseChannel.Seal(b, PairwiseMessageType.Introduction, forB.SignAndEncode(b.OurSigningSeed)), Guid.NewGuid(), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>
    /// Fetches every contact's drop at <paramref name="relay"/> and acts on what arrived: verifies
    /// introductions (a forged or altered one is refused and reported), answers the valid ones with a
    /// fresh offer, and adds the contacts whose answers came back. Safe to call again after a crash:
    /// each step is committed before the relay is told it may forget the input.
    /// </summary>
    public async Task<ReceiveResult> ReceiveAsync(IRelay relay, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(relay);
        var rejected = new List<string>();
        var joined = new List<string>();
        foreach (var contactId in LoadContacts(c => c.Relay == relay.Address ? c.Id : null).OfType<byte[]>())
        {
            await ReceiveFromContactAsync(relay, contactId, rejected, joined, cancellationToken).ConfigureAwait(false);
        }

        var added = new List<Contact>();
        var pending = 0;
        foreach (var (recordId, plaintext) in _vault.List(VaultCollection.PendingIntroduction))
        {
            using var introduction = Decode(plaintext, p => PendingIntroduction.Decode(recordId, p));
            if (introduction.Relay != relay.Address)
            {
                continue;
            }

            var (contact, waiting) = await AdvanceIntroductionAsync(relay, introduction, rejected, cancellationToken).ConfigureAwait(false);
            if (contact is not null)
            {
                added.Add(contact);
            }

            pending += waiting ? 1 : 0;
        }

        return new ReceiveResult(added, pending, rejected, joined);
    }

    /// <summary>Re-wraps the vault key under a new passphrase and, optionally, stronger Argon2id parameters.</summary>
    /// <exception cref="WrongPassphraseException">The current passphrase is wrong; nothing was changed.</exception>
    public void ChangePassphrase(ReadOnlySpan<char> current, ReadOnlySpan<char> next, VaultKdfParameters? kdf = null)
        => _vault.ChangePassphrase(current, next, kdf);

    /// <summary>Closes the vault and releases the home directory.</summary>
    public void Dispose()
    {
        foreach (var relay in _relays.Values)
        {
            relay.Dispose();
        }

        _vault.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => "CourierNode";

    /// <summary>The vault, for tests that look at what is stored.</summary>
    internal Vault Vault => _vault;

    /// <summary>The stored record of a contact (tests and internal callers; dispose it).</summary>
    internal ContactRecord FindRecord(string idOrName)
    {
        ArgumentNullException.ThrowIfNull(idOrName);
        var id = new byte[Vault.IdSize];
        if (idOrName.Length == Vault.IdSize * 2
            && Convert.FromHexString(idOrName, id, out _, out _) == System.Buffers.OperationStatus.Done
            && _vault.Get(VaultCollection.Contact, id) is { } byId)
        {
            return Decode(byId, p => ContactRecord.Decode(id, p));
        }

        var matches = _vault.Find(VaultCollection.Contact, ContactRecord.LookupName(idOrName));
        if (matches.Count == 1)
        {
            return Decode(matches[0].Plaintext, p => ContactRecord.Decode(matches[0].Id, p));
        }

        foreach (var (_, plaintext) in matches)
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }

        throw new UnknownContactException(matches.Count == 0
            ? $"No contact is called \"{idOrName}\"."
            : $"{matches.Count} contacts are called \"{idOrName}\"; use the contact's id instead.");
    }

    private static void CheckCodeName(string? codeName)
    {
        if (codeName is not null && !CodeNames.IsValid(codeName))
        {
            throw new ArgumentException($"A code name is 1 to {CodeNames.MaxBytes} bytes of printable text without leading or trailing spaces.", nameof(codeName));
        }
    }

    private static T Decode<T>(byte[] plaintext, Func<byte[], T> decode)
    {
        try
        {
            return decode(plaintext);
        }
        catch (MalformedRecordException e)
        {
            throw new VaultCorruptedException("A record of the vault cannot be read (" + e.Message + "). Restore the home directory from a backup.", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
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

    private List<T> LoadContacts<T>(Func<ContactRecord, T> select)
    {
        var result = new List<T>();
        foreach (var (id, plaintext) in _vault.List(VaultCollection.Contact))
        {
            using var record = Decode(plaintext, p => ContactRecord.Decode(id, p));
            result.Add(select(record));
        }

        return result;
    }

    /// <summary>
    /// Creates our new drop at the relay, runs <paramref name="beforeCommit"/>, then stores the contact
    /// (and deletes <paramref name="alsoDelete"/>) in one transaction.
    /// </summary>
    private async Task<Contact> StoreAsync(IRelay relay, EstablishedContact established, byte[]? alsoDelete, Func<CancellationToken, Task>? beforeCommit, CancellationToken cancellationToken)
    {
        using (var readKey = DeadDropReadKey.FromSeed(established.Ours.DropReadSeed))
        {
            await relay.CreateAsync(established.Ours.DropName, readKey, cancellationToken).ConfigureAwait(false);
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
            OurSigningSeed = Copy(established.Ours.SigningSeed),
            PairwiseSecret = Copy(established.PairwiseSecret),
            WeAreFirst = established.WeAreFirst,
            TheirDrop = established.Theirs.DropName,
            OurDrop = established.Ours.DropName,
            OurDropReadSeed = Copy(established.Ours.DropReadSeed),
            TheirKeyPackages = established.Theirs.KeyPackages,
            OurBundles = established.Ours.Bundles.Select(b => b.Serialize()).ToList(),
            IntroducedBy = established.IntroducedBy,
            IntroducedByName = established.IntroducedByName,
            IntroducedAs = established.IntroducedAs,
            AddedAt = _options.Time.GetUtcNow().ToUnixTimeSeconds(),
            Relay = relay.Address,
        };
        Put(record, alsoDelete);
        return record.ToContact();
    }

    private static void PutContact(VaultTransaction transaction, ContactRecord record)
    {
        var plaintext = record.Encode();
        try
        {
            transaction.Put(VaultCollection.Contact, record.Id, plaintext, ContactRecord.LookupName(record.TheirCodeName));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    private void Put(ContactRecord record, byte[]? alsoDelete = null, PendingIntroduction? alsoPut = null)
    {
        var pending = alsoPut?.Encode();
        try
        {
            using var transaction = _vault.Begin();
            PutContact(transaction, record);
            if (alsoDelete is not null)
            {
                transaction.Delete(alsoDelete);
            }

            if (alsoPut is not null)
            {
                transaction.Put(VaultCollection.PendingIntroduction, alsoPut.RecordId, pending, PendingIntroduction.LookupName(alsoPut.Statement.Id));
            }

            transaction.Commit();
        }
        finally
        {
            if (pending is not null)
            {
                CryptographicOperations.ZeroMemory(pending);
            }
        }
    }

    private async Task ReceiveFromContactAsync(IRelay relay, byte[] contactId, List<string> rejected, List<string> joined, CancellationToken cancellationToken)
    {
        using var contact = Decode(_vault.Get(VaultCollection.Contact, contactId) ?? throw new VaultCorruptedException("A contact vanished from the vault."), p => ContactRecord.Decode(contactId, p));
        using var readKey = DeadDropReadKey.FromSeed(contact.OurDropReadSeed);
        var envelopes = await relay.FetchAsync(contact.OurDrop, readKey, contact.OurDropCursor, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        foreach (var envelope in envelopes)
        {
            contact.OurDropCursor = envelope.Seq;
            var opened = PairwiseChannel.TryOpen(contact, envelope.Data);
            if (opened is not var (type, body))
            {
                rejected.Add($"An envelope in the drop shared with \"{contact.TheirCodeName}\" was not sealed by them (forged or altered) and was ignored.");
                Put(contact);
                continue;
            }

            if (type == PairwiseMessageType.Welcome)
            {
                await JoinCellAsync(relay, contact, body, rejected, joined, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (type == PairwiseMessageType.KeyPackage)
            {
                StoreKeyPackage(contact, body, rejected);
                continue;
            }

            if (type != PairwiseMessageType.Introduction)
            {
                rejected.Add($"\"{contact.TheirCodeName}\" sent a message of a kind this node does not know; it was ignored.");
                Put(contact);
                continue;
            }

            var statement = IntroductionStatement.DecodeAndVerify(body, contact, out var why);
            if (statement is null)
            {
                rejected.Add($"An introduction from \"{contact.TheirCodeName}\" was refused: {why}.");
                Put(contact);
                continue;
            }

            if (statement.ExpiresAt <= _options.Time.GetUtcNow().ToUnixTimeSeconds())
            {
                rejected.Add($"An introduction from \"{contact.TheirCodeName}\" to \"{statement.PeerName}\" had expired.");
                Put(contact);
                continue;
            }

            if (_vault.Exists(VaultCollection.PendingIntroduction, PendingIntroduction.LookupName(statement.Id)))
            {
                Put(contact);
                continue;
            }

            // Committed before the offer leaves; the offer goes out with the pending introductions below.
            using var pending = Answer(relay, contact, statement);
            Put(contact, alsoPut: pending);
        }

        if (envelopes.Count > 0)
        {
            await relay.TrimAsync(contact.OurDrop, readKey, contact.OurDropCursor, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Appends our offer to the other party's introduction drop; idempotent, so it is simply repeated
    /// on every receive until answered. False (and a note in <paramref name="rejected"/>) when the
    /// relay refuses it, for example because the introducer never created the drops.
    /// </summary>
    private static async Task<bool> SendOfferAsync(IRelay relay, PendingIntroduction pending, List<string> rejected, CancellationToken cancellationToken)
    {
        var statement = pending.Statement;
        try
        {
            await relay.AppendAsync(IntroductionSecrets.DropOf(statement, IntroductionSecrets.Other(statement.Role)), pending.OfferEnvelope, IntroductionSecrets.OfferMessageId(statement, statement.Role), cancellationToken).ConfigureAwait(false);
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
        var ours = PairwiseIdentity.Create(null, _options.KeyPackagesPerContact, _options.Time.GetUtcNow(), _options.KeyPackageLifetime);
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

    /// <summary>Re-sends our offer, looks for theirs, and stores the contact when it has come; or drops the introduction once expired.</summary>
    private async Task<(Contact? Added, bool Waiting)> AdvanceIntroductionAsync(IRelay relay, PendingIntroduction introduction, List<string> rejected, CancellationToken cancellationToken)
    {
        var statement = introduction.Statement;
        if (statement.ExpiresAt <= _options.Time.GetUtcNow().ToUnixTimeSeconds())
        {
            rejected.Add($"The introduction to \"{statement.PeerName}\" by \"{introduction.IntroducerName}\" expired without an answer.");
            using var transaction = _vault.Begin();
            transaction.Delete(introduction.RecordId);
            transaction.Commit();
            return (null, false);
        }

        if (!await SendOfferAsync(relay, introduction, rejected, cancellationToken).ConfigureAwait(false))
        {
            return (null, true);
        }

        using var readKey = IntroductionSecrets.ReadKeyOf(statement, statement.Role);
        IReadOnlyList<RelayEnvelope> envelopes;
        try
        {
            envelopes = await relay.FetchAsync(IntroductionSecrets.DropOf(statement, statement.Role), readKey, 0, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
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
            return (await StoreAsync(relay, established, introduction.RecordId, null, cancellationToken).ConfigureAwait(false), false);
        }

        return (null, true);
    }

    private static byte[] Copy(byte[] secret)
    {
        var copy = GC.AllocateArray<byte>(secret.Length, pinned: true);
        secret.CopyTo(copy, 0);
        return copy;
    }
}
