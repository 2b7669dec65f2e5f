using System.Security.Cryptography;
using Courier.Mls;
using Courier.Mls.Codec;
using Courier.Mls.Group;
using Courier.Node.Contacts;
using Courier.Node.Introductions;
using Courier.Node.Relay;
using Courier.Node.Storage;
using Courier.Relay.Client;

namespace Courier.Node.Cells;

/// <summary>Layers and cells (docs/cells.md): creating them, membership, leaving, and Welcomes to and from contacts.</summary>
internal sealed partial class CellService(NodeContext node)
{
    public IReadOnlyList<Layer> Layers => node.Layers.All().Select(l => l.ToLayer()).OrderBy(l => l.Name, StringComparer.Ordinal).ToList();

    public IReadOnlyList<CellSummary> Cells => node.Cells.All().Select(Summary).OrderBy(c => c.Name, StringComparer.Ordinal).ToList();

    public CellSummary Describe(string cell) => Summary(node.Cells.Find(cell));

    private CellSummary Summary(CellRecord cell)
        => CellRetention.Read(node.Vault, cell.Id) is { Seconds: > 0 } retention
            ? cell.ToSummary() with { Retention = TimeSpan.FromSeconds(retention.Seconds), RetentionSetBy = retention.SetBy }
            : cell.ToSummary();

    public Layer CreateLayer(string name, IReadOnlyList<Uri> relays, bool requirePostQuantum, IReadOnlyList<byte[]>? mixPins)
    {
        Names.Check(name, "layer");
        ArgumentNullException.ThrowIfNull(relays);
        if (relays.Count is 0 or > LayerRecord.MaxRelays)
        {
            throw new ArgumentException($"A layer has 1 to {LayerRecord.MaxRelays} relays.", nameof(relays));
        }

        if (node.Layers.Exists(name))
        {
            throw new NameTakenException($"A layer called \"{name}\" already exists; nothing was changed.");
        }

        if (mixPins is not null && (mixPins.Count != relays.Count || mixPins.Any(p => p.Length is not (0 or LayerRecord.MixPinLength))))
        {
            throw new ArgumentException($"Give one mix identity key ({LayerRecord.MixPinLength} bytes) or none per relay.", nameof(mixPins));
        }

        var pinned = relays.Select((relay, i) => (Address: HttpRelay.AddressOf(relay), Pin: mixPins?[i] ?? [])).DistinctBy(r => r.Address).ToList();
        var record = new LayerRecord(Vault.NewId(), name, [.. pinned.Select(r => r.Address)], requirePostQuantum) { MixPins = [.. pinned.Select(r => r.Pin.ToArray())] };
        using var transaction = node.Vault.Begin();
        LayerRepository.Put(transaction, record);
        transaction.Commit();
        node.Cover?.Add(record);
        return record.ToLayer();
    }

    public async Task<CellSummary> CreateAsync(string name, string? layer, string? codeName, CancellationToken cancellationToken)
    {
        Names.Check(name, "cell");
        Names.CheckCodeName(codeName);
        if (node.Cells.Exists(name))
        {
            throw new NameTakenException($"A cell called \"{name}\" already exists; nothing was changed.");
        }

        var layerRecord = node.Layers.Find(layer);
        var relay = layerRecord.Relays[RandomNumberGenerator.GetInt32(layerRecord.Relays.Count)];
        using var self = PairwiseIdentity.NewBundle(codeName, node.Options, layerRecord.RequirePostQuantum ? PairwiseIdentity.PostQuantumSuite : node.Options.CipherSuite);
        var store = node.Cells.NewStore(new CellRecord(Vault.NewId(), name, layerRecord.Name, relay) { CipherSuite = (ushort)self.CipherSuite });
        var cell = await Cell.CreateAsync(self, node.Relays.At(relay), store, node.Cells.Settings, cancellationToken).ConfigureAwait(false);
        node.Cells.Adopt(cell, store);
        return store.Record.ToSummary();
    }

    /// <summary>
    /// Adds contacts: one KeyPackage of each goes into one commit, and once it has won its epoch the
    /// Welcome goes to each through the pairwise drop shared with them. Returns what the user should
    /// know: a Welcome that waits (the contact's drop deleted, the relay refusing or out of reach).
    /// </summary>
    public async Task<IReadOnlyList<string>> AddAsync(string cell, IReadOnlyList<string> contacts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(contacts);
        var record = node.Cells.Find(cell);
        var records = contacts.Select(node.Contacts.Find).ToList();
        try
        {
            if (records.DistinctBy(r => Convert.ToHexString(r.Id)).Count() != records.Count)
            {
                throw new ArgumentException("A contact is named twice.", nameof(contacts));
            }

            if (records.FirstOrDefault(r => r.TheirKeyPackages.Count == 0) is { } empty)
            {
                throw new NoKeyPackageException($"\"{empty.TheirCodeName}\" has no KeyPackage left; they send a new one each time they join a cell (run sync, or ask them to).");
            }

            if (node.Layers.Find(record.Layer).RequirePostQuantum)
            {
                RequirePostQuantum(records);
            }

            // Taken out with the commit, before it leaves: a KeyPackage is never offered twice.
            var keyPackages = records.Select(r => r.TheirKeyPackages[0]).ToList();
            foreach (var contact in records)
            {
                contact.TheirKeyPackages = contact.TheirKeyPackages.Skip(1).ToList();
            }

            await node.Cells.RunAsync(record, async (open, store) =>
            {
                store.WelcomeRecipients = records.Select(r => r.Id).ToList();
                store.Enlist(transaction => records.ForEach(r => ContactRepository.Put(transaction, r)));
                try
                {
                    await open.ChangeMembersAsync(keyPackages, [], cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is MessageRejectedException or DecodeException)
                {
                    throw new BadKeyPackageException("A contact's KeyPackage was refused by the cell's group (" + e.Message + "); nothing was changed.", e);
                }
                finally
                {
                    store.WelcomeRecipients = [];
                }
            }).ConfigureAwait(false);
        }
        finally
        {
            records.ForEach(r => r.Dispose());
        }

        var notices = new List<string>();
        await DeliverWelcomesAsync(notices, notices, cancellationToken).ConfigureAwait(false);
        return notices;
    }

    /// <summary>Refuses, before anything changes, a contact whose next KeyPackage is not of the post-quantum suite.</summary>
    /// <exception cref="PostQuantumRequiredException">A KeyPackage is of another ciphersuite, or unreadable.</exception>
    private static void RequirePostQuantum(IEnumerable<ContactRecord> records)
    {
        foreach (var contact in records)
        {
            if (KeyPackages.CipherSuiteOf(contact.TheirKeyPackages[0]) != (ushort)PairwiseIdentity.PostQuantumSuite)
            {
                throw new PostQuantumRequiredException($"The layer requires post-quantum cells (ciphersuite 0x0054, X-Wing) and \"{contact.TheirCodeName}\"'s KeyPackage is of another ciphersuite; nothing was changed.");
            }
        }
    }

    /// <summary>Removes members, by their code names in the cell, in one commit.</summary>
    public async Task RemoveAsync(string cell, IReadOnlyList<string> members, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(members);
        var record = node.Cells.Find(cell);
        await node.Cells.RunAsync(record, async (open, _) =>
        {
            if (members.FirstOrDefault(m => !open.Members.Contains(m)) is { } unknown)
            {
                throw new UnknownContactException($"No member of \"{record.Name}\" is called \"{unknown}\".");
            }

            if (members.Contains(open.CodeName))
            {
                throw new ArgumentException("To leave a cell, use leave.", nameof(members));
            }

            await open.ChangeMembersAsync([], members, cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    public Task RotateKeysAsync(string cell, CancellationToken cancellationToken)
        => node.Cells.RunAsync(node.Cells.Find(cell), (open, _) => open.UpdateKeysAsync(cancellationToken));

    /// <summary>Tells the others this member leaves (any of them removes it with its next commit) and forgets the cell's secrets; the messages received stay.</summary>
    public async Task LeaveAsync(string cell, CancellationToken cancellationToken)
    {
        var record = node.Cells.Find(cell);
        await node.Cells.RunAsync(record, (open, _) => open.SendAsync([new LeaveNotice()], null, [], cancellationToken)).ConfigureAwait(false);
        node.Cells.Close(record.Id);
        using var transaction = node.Vault.Begin();
        CellRepository.Put(transaction, record with { IsMember = false, CodeName = string.Empty, Members = [] });
        VaultCellStore.Forget(node.Vault, transaction, record.Id);
        transaction.Commit();
    }

    /// <summary>
    /// Moves every Welcome the cells handed off (<see cref="WelcomeDelivery"/>, written with the commit
    /// that merged) into the pairwise outbox, sealed once, in one transaction each, and tries it at once
    /// (<see cref="PairwiseOutbox.DeliverNewAsync"/>): a drop the relay deleted or a refusal is said once
    /// in <paramref name="notices"/>, a relay out of reach in <paramref name="problems"/>; what does not go
    /// out waits in the pairwise outbox for a later sync.
    /// </summary>
    public async Task DeliverWelcomesAsync(List<string> problems, List<string> notices, CancellationToken cancellationToken)
    {
        foreach (var delivery in node.Vault.ReadAll(VaultCollection.WelcomeDelivery, WelcomeDelivery.Decode))
        {
            using var contact = node.Contacts.Get(delivery.ContactId);
            if (contact is null)
            {
                using var transaction = node.Vault.Begin();
                transaction.Delete(delivery.Id);
                transaction.Commit();
                continue;
            }

            var entry = node.Pairwise.Queue(contact, PairwiseMessageType.Welcome, delivery.Body(), also: t => t.Delete(delivery.Id));
            try
            {
                await node.Pairwise.DeliverNewAsync(node.Relays.At(contact.Relay), contact, entry, notices, cancellationToken).ConfigureAwait(false);
            }
            catch (NodeException e) when (e is RelayUnreachableException or RelayPinMismatchException or InsecureRelayAddressException)
            {
                problems.Add($"A Welcome for \"{contact.TheirCodeName}\" waits: {e.Message}");
            }
        }
    }

    /// <summary>
    /// A Welcome from a contact: joins the cell with the KeyPackage we gave them, and sends them a
    /// fresh one in its place. A cell on a relay that is neither the contact's nor one of our layers'
    /// waits for the user (<see cref="JoinPendingAsync"/>): the node connects to no relay a contact
    /// names without asking.
    /// </summary>
    public async Task JoinAsync(IRelay relay, ContactRecord contact, byte[] body, List<string> rejected, List<string> joined, List<string> waiting, List<string> notices, CancellationToken cancellationToken)
    {
        WelcomeDelivery? welcome;
        try
        {
            welcome = WelcomeDelivery.ParseBody([], contact.Id, body);
        }
        catch (Wire.MalformedRecordException)
        {
            welcome = null;
        }

        if (welcome is null || !Uri.TryCreate(welcome.Relay, UriKind.Absolute, out var relayUri) || relayUri.Scheme is not ("http" or "https"))
        {
            rejected.Add($"A cell invitation from \"{contact.TheirCodeName}\" was malformed and was ignored.");
            node.Contacts.Put(contact);
            return;
        }

        // Known relays: the contact's own (already in use) and those of our layers.
        var cellRelay = HttpRelay.AddressOf(relayUri);
        if (cellRelay != HttpRelay.AddressOf(new Uri(contact.Relay)) && !node.Layers.All().Any(l => l.Relays.Contains(cellRelay)))
        {
            var pending = welcome with { Id = Vault.NewId() };
            using var transaction = node.Vault.Begin();
            transaction.PutWiped(VaultCollection.PendingJoin, pending.Id, pending.Encode());
            ContactRepository.Put(transaction, contact);
            transaction.Commit();
            waiting.Add($"\"{contact.TheirCodeName}\" invites you to the cell \"{welcome.Cell}\" on the relay {cellRelay}, which neither they nor your layers use; nothing was sent to it. To join: courier cell join {PendingId(pending)}");
            return;
        }

        await JoinAsync(relay, contact, welcome, relayUri, rejected, joined, notices, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Cell invitations waiting for the user, oldest first.</summary>
    public IReadOnlyList<PendingCell> Pending()
        => node.Vault.ReadAll(VaultCollection.PendingJoin, WelcomeDelivery.Decode)
            .Select(w => new PendingCell(PendingId(w), w.Cell, node.Contacts.Get(w.ContactId) is { } c ? TheirName(c) : "(a contact since deleted)", HttpRelay.AddressOf(new Uri(w.Relay))))
            .ToList();

    /// <summary>Joins a waiting cell (its layer is created for its relay); returns the cell's name.</summary>
    /// <exception cref="UnknownCellException">No waiting invitation has that id.</exception>
    /// <exception cref="NoKeyPackageException">The Welcome matched none of the KeyPackages given to the contact, or did not verify; the invitation is dropped.</exception>
    public async Task<string> JoinPendingAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        var welcome = node.Vault.ReadAll(VaultCollection.PendingJoin, WelcomeDelivery.Decode).SingleOrDefault(w => PendingId(w) == id.Trim().ToLowerInvariant())
            ?? throw new UnknownCellException($"No cell invitation waits under \"{id}\" (see courier cell pending).");
        using var contact = node.Contacts.Get(welcome.ContactId)
            ?? throw new UnknownContactException("The contact who sent this invitation was deleted.");
        var (rejected, joined) = (new List<string>(), new List<string>());
        await JoinAsync(node.Relays.At(contact.Relay), contact, welcome, new Uri(welcome.Relay), rejected, joined, [], cancellationToken, consumed: welcome.Id).ConfigureAwait(false);
        if (joined.Count == 0)
        {
            using var transaction = node.Vault.Begin();
            transaction.Delete(welcome.Id);
            transaction.Commit();
            throw new NoKeyPackageException(rejected.FirstOrDefault() ?? "The invitation did not match any KeyPackage given to its sender.");
        }

        return joined[0];
    }

    private static string PendingId(WelcomeDelivery pending) => Convert.ToHexStringLower(pending.Id, 0, 4);

    private static string TheirName(ContactRecord contact)
    {
        using (contact)
        {
            return contact.TheirCodeName;
        }
    }

    /// <summary>Joins the cell of a parsed Welcome; <paramref name="consumed"/>, a waiting invitation, is deleted with the cell's first state.</summary>
    private async Task JoinAsync(IRelay relay, ContactRecord contact, WelcomeDelivery welcome, Uri relayUri, List<string> rejected, List<string> joined, List<string> notices, CancellationToken cancellationToken, byte[]? consumed = null)
    {
        if (consumed is null && await TryAddedBackAsync(welcome, notices, cancellationToken).ConfigureAwait(false))
        {
            node.Contacts.Put(contact);
            return;
        }

        var layer = LayerFor(welcome);
        if (layer.RequirePostQuantum && KeyPackages.CipherSuiteOf(welcome.Welcome) != (ushort)PairwiseIdentity.PostQuantumSuite)
        {
            rejected.Add($"A cell invitation from \"{contact.TheirCodeName}\" is not of the post-quantum ciphersuite its layer \"{layer.Name}\" requires; it was ignored. Ask them to add you to a cell of a layer they made with --post-quantum.");
            node.Contacts.Put(contact);
            return;
        }

        var name = node.Cells.UniqueName(Names.IsValid(welcome.Cell) ? welcome.Cell : $"cell from {contact.TheirCodeName}");
        var store = node.Cells.NewStore(new CellRecord(Vault.NewId(), name, layer.Name, HttpRelay.AddressOf(relayUri)) { CipherSuite = KeyPackages.CipherSuiteOf(welcome.Welcome) ?? 0, AddedBy = contact.Id });
        using var replacement = PairwiseIdentity.NewBundle(null, node.Options, node.SuiteFor(contact.Relay));
        for (var i = 0; i < contact.OurBundles.Count; i++)
        {
            using var bundle = KeyPackageBundle.Deserialize(contact.OurBundles[i]);
            var used = i;

            // The contact's bundles, the layer and the cell are stored together with the cell's first state.
            store.Enlist(transaction =>
            {
                var spent = contact.OurBundles[used];
                contact.OurBundles = [.. contact.OurBundles.Where((_, j) => j != used), replacement.Serialize()];
                ContactRepository.Wipe(spent);
                if (!node.Layers.Exists(layer.Name))
                {
                    LayerRepository.Put(transaction, layer);
                }

                ContactRepository.Put(transaction, contact);
                if (consumed is not null)
                {
                    transaction.Delete(consumed);
                }
            });
            Cell cell;
            try
            {
                cell = await Cell.JoinAsync(welcome.Welcome, bundle, node.Relays.At(relayUri), store, node.Cells.Settings, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is MessageRejectedException or DecodeException)
            {
                // Not for this KeyPackage (or not valid at all): try the next one.
                store = node.Cells.NewStore(store.Record);
                continue;
            }

            node.Cells.Adopt(cell, store);
            joined.Add(name);
            await node.Pairwise.SendAsync(relay, contact, PairwiseMessageType.KeyPackage, replacement.KeyPackageBytes, notices, cancellationToken).ConfigureAwait(false);
            return;
        }

        rejected.Add($"A cell invitation from \"{contact.TheirCodeName}\" did not match any KeyPackage given to them, or did not verify; it was ignored.");
        node.Contacts.Put(contact);
    }

    /// <summary>The layer a joined cell goes into: ours that uses its relay, or a new one named as the sender named it.</summary>
    private LayerRecord LayerFor(WelcomeDelivery welcome)
    {
        var relay = HttpRelay.AddressOf(new Uri(welcome.Relay));
        var existing = node.Layers.All().FirstOrDefault(l => l.Relays.Contains(relay));
        if (existing is not null)
        {
            return existing;
        }

        var wanted = Names.IsValid(welcome.Layer) ? welcome.Layer : "layer";
        var name = wanted;
        for (var n = 2; node.Layers.Exists(name); n++)
        {
            name = $"{wanted} ({n})";
        }

        return new LayerRecord(Vault.NewId(), name, [relay]);
    }
}
