using System.Security.Cryptography;
using Courier.Mls;
using Courier.Mls.Codec;
using Courier.Mls.Crypto;
using Courier.Mls.Group;
using Courier.Node.Cells;
using Courier.Node.Contacts;
using Courier.Node.Introductions;
using Courier.Node.Relay;
using Courier.Node.Storage;
using Courier.Relay.Client;

namespace Courier.Node;

/// <summary>Layers, cells, messages and files (docs/cells.md).</summary>
public sealed partial class CourierNode
{
    /// <summary>The size of a file chunk: one chunk, with MLS framing, fills one 64 KiB envelope.</summary>
    public const int FileChunkSize = 60 * 1024;

    private readonly Dictionary<string, HttpRelay> _relays = [];

    /// <summary>Every layer, by name.</summary>
    public IReadOnlyList<Layer> Layers => LoadAll(VaultCollection.Layer, LayerRecord.Decode).Select(l => l.ToLayer()).OrderBy(l => l.Name, StringComparer.Ordinal).ToList();

    /// <summary>Every cell, by name, with its members (read from each cell's stored state).</summary>
    public IReadOnlyList<CellSummary> Cells
    {
        get
        {
            var summaries = new List<CellSummary>();
            foreach (var (id, plaintext) in _vault.List(VaultCollection.Cell))
            {
                using var record = Decode(plaintext, p => CellRecord.Decode(id, p));
                summaries.Add(Summarize(record));
            }

            return summaries.OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
        }
    }

    /// <summary>One cell, with its members.</summary>
    /// <exception cref="UnknownCellException">No cell has that name.</exception>
    public CellSummary Describe(string cell)
    {
        using var record = FindCell(cell);
        return Summarize(record);
    }

    /// <summary>Creates a layer whose cells use only <paramref name="relays"/>.</summary>
    /// <exception cref="NameTakenException">A layer of that name exists.</exception>
    public Layer CreateLayer(string name, IReadOnlyList<Uri> relays)
    {
        CheckName(name, "layer");
        ArgumentNullException.ThrowIfNull(relays);
        if (relays.Count is 0 or > LayerRecord.MaxRelays)
        {
            throw new ArgumentException($"A layer has 1 to {LayerRecord.MaxRelays} relays.", nameof(relays));
        }

        if (_vault.Exists(VaultCollection.Layer, LayerRecord.LookupName(name)))
        {
            throw new NameTakenException($"A layer called \"{name}\" already exists; nothing was changed.");
        }

        var record = new LayerRecord(Vault.NewId(), name, relays.Select(r => r.GetLeftPart(UriPartial.Authority) + "/").Distinct().ToList());
        using var transaction = _vault.Begin();
        transaction.Put(VaultCollection.Layer, record.Id, record.Encode(), LayerRecord.LookupName(name));
        transaction.Commit();
        return record.ToLayer();
    }

    /// <summary>
    /// Creates a cell in <paramref name="layer"/> (may be null when there is exactly one layer) with this
    /// node as its only member, under a code name used nowhere else. Its drops live on one of the
    /// layer's relays, chosen at random.
    /// </summary>
    /// <exception cref="NameTakenException">A cell of that name exists.</exception>
    /// <exception cref="UnknownLayerException">No such layer, or none named when there are several.</exception>
    public async Task<CellSummary> CreateCellAsync(string name, string? layer = null, string? codeName = null, CancellationToken cancellationToken = default)
    {
        CheckName(name, "cell");
        CheckCodeName(codeName);
        if (_vault.Exists(VaultCollection.Cell, CellRecord.LookupName(name)))
        {
            throw new NameTakenException($"A cell called \"{name}\" already exists; nothing was changed.");
        }

        var layerRecord = FindLayer(layer);
        var relay = layerRecord.Relays[RandomNumberGenerator.GetInt32(layerRecord.Relays.Count)];
        using var self = PairwiseIdentity.NewBundle(codeName, _options.Time.GetUtcNow(), _options.KeyPackageLifetime);
        using var record = new CellRecord { Id = Vault.NewId(), Name = name, Layer = layerRecord.Name, Relay = relay };
        using var cell = await RelayCallAsync(relay, () => Cell.CreateAsync(name, layerRecord.Name, self, RelayAt(relay), cancellationToken)).ConfigureAwait(false);
        SaveCell(record, cell);
        return Summarize(record, cell);
    }

    /// <summary>
    /// Adds contacts to a cell: one of each contact's KeyPackages goes into one commit, and once the
    /// commit has won its epoch the Welcome goes to each through the pairwise drop shared with them.
    /// They join on their next sync, under a code name and key used nowhere else.
    /// </summary>
    /// <exception cref="NoKeyPackageException">A contact has no KeyPackage left (they send new ones as they join cells).</exception>
    public async Task AddToCellAsync(string cell, IReadOnlyList<string> contacts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(contacts);
        using var record = FindCell(cell);
        var records = contacts.Select(FindRecord).ToList();
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

            // Taken out before the commit leaves: a KeyPackage is never offered twice.
            var keyPackages = records.Select(r => r.TheirKeyPackages[0]).ToList();
            using (var transaction = _vault.Begin())
            {
                foreach (var contact in records)
                {
                    contact.TheirKeyPackages = contact.TheirKeyPackages.Skip(1).ToList();
                    PutContact(transaction, contact);
                }

                transaction.Commit();
            }

            using var open = OpenCell(record);
            byte[] tag = [.. records.SelectMany(r => r.Id)];
            await RelayCallAsync(record.Relay, () => open.ChangeMembersAsync(keyPackages, [], tag, cancellationToken)).ConfigureAwait(false);
            SaveCell(record, open);
        }
        finally
        {
            records.ForEach(r => r.Dispose());
        }

        await DeliverWelcomesAsync([], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes members, by their code names in the cell, in one commit: they cannot read what is sent after it.</summary>
    public async Task RemoveFromCellAsync(string cell, IReadOnlyList<string> members, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(members);
        using var record = FindCell(cell);
        using var open = OpenCell(record);
        if (members.FirstOrDefault(m => !open.Members.Contains(m)) is { } unknown)
        {
            throw new UnknownContactException($"No member of \"{record.Name}\" is called \"{unknown}\".");
        }

        if (members.Contains(open.CodeName))
        {
            throw new ArgumentException("To leave a cell, use leave.", nameof(members));
        }

        await RelayCallAsync(record.Relay, () => open.ChangeMembersAsync([], members, cancellationToken)).ConfigureAwait(false);
        SaveCell(record, open);
    }

    /// <summary>Commits fresh keys for this member (post-compromise security: whoever copied its old keys cannot read what follows).</summary>
    public async Task RotateKeysAsync(string cell, CancellationToken cancellationToken = default)
    {
        using var record = FindCell(cell);
        using var open = OpenCell(record);
        await RelayCallAsync(record.Relay, () => open.UpdateKeysAsync(cancellationToken)).ConfigureAwait(false);
        SaveCell(record, open);
    }

    /// <summary>Leaves a cell: tells the others (any of them removes this member with its next commit) and forgets the cell's secrets. The messages received stay in the inbox.</summary>
    public async Task LeaveCellAsync(string cell, CancellationToken cancellationToken = default)
    {
        using var record = FindCell(cell);
        using (var open = OpenCell(record))
        {
            await RelayCallAsync(record.Relay, () => open.LeaveAsync(cancellationToken)).ConfigureAwait(false);
        }

        record.State = null;
        Put(record);
    }

    /// <summary>Sends a text to a cell; returns once the relay acknowledged it.</summary>
    /// <exception cref="RelayUnreachableException">The relay stayed unreachable; the message stays in the cell's outbox and goes out with the next sync.</exception>
    public Task SendAsync(string cell, string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        return SendAsync(cell, [new TextContent(text)], null, cancellationToken);
    }

    /// <summary>Sends a file to a cell in chunks of <see cref="FileChunkSize"/>, reporting the bytes sent so far.</summary>
    public async Task SendFileAsync(string cell, string path, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileChunkSize, useAsync: true);
        var count = (uint)Math.Max(1, (file.Length + FileChunkSize - 1) / FileChunkSize);
        var name = Path.GetFileName(path);
        await SendAsync(cell, Chunks(), progress, cancellationToken).ConfigureAwait(false);

        IEnumerable<CellContent> Chunks()
        {
            for (uint i = 0; i < count; i++)
            {
                var buffer = new byte[(int)Math.Min(FileChunkSize, file.Length - file.Position)];
                file.ReadExactly(buffer);
                yield return new FileChunk(name, i, count, buffer);
            }
        }
    }

    /// <summary>
    /// Forwards a received message (or file) to another cell: the liaison's explicit act, the only
    /// way anything crosses from one layer to another. The receivers see it marked as forwarded
    /// from another layer (or cell), without its origin's names.
    /// </summary>
    /// <exception cref="UnknownMessageException">No received message has that id.</exception>
    public async Task ForwardAsync(string messageId, string toCell, CancellationToken cancellationToken = default)
    {
        var message = FindMessage(messageId);
        using var source = FindCell(message.Cell);
        using var target = FindCell(toCell);
        if (source.Id.AsSpan().SequenceEqual(target.Id))
        {
            throw new ArgumentException("The message came from that cell.", nameof(toCell));
        }

        var origin = source.Layer == target.Layer ? "another cell" : "another layer";
        if (message.Text is not null)
        {
            await SendAsync(toCell, [new Forwarded(origin, new TextContent(message.Text))], null, cancellationToken).ConfigureAwait(false);
            return;
        }

        var chunks = FileChunks(message).Select(c => (CellContent)new Forwarded(origin, c));
        await SendAsync(toCell, chunks, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Delivers pending Welcomes, reads every contact's pairwise drop (introductions, Welcomes, new
    /// KeyPackages) and every cell's drop, and stores what arrived. A relay that cannot be reached
    /// is reported in <see cref="SyncResult"/> and skipped; the others are still synced.
    /// </summary>
    public async Task<SyncResult> SyncAsync(CancellationToken cancellationToken = default)
    {
        var problems = new List<string>();
        await DeliverWelcomesAsync(problems, cancellationToken).ConfigureAwait(false);
        var added = new List<Contact>();
        var rejected = new List<string>();
        var joined = new List<string>();
        var pending = 0;
        foreach (var address in LoadContacts(c => c.Relay).Distinct(StringComparer.Ordinal))
        {
            try
            {
                var result = await ReceiveAsync(RelayAt(address), cancellationToken).ConfigureAwait(false);
                pending += result.PendingIntroductions;
                added.AddRange(result.Added);
                rejected.AddRange(result.Rejected);
                joined.AddRange(result.JoinedCells);
            }
            catch (NodeException e) when (e is RelayUnreachableException or RelayRejectedException)
            {
                problems.Add(e.Message);
            }
        }

        var received = new List<InboxMessage>();
        var removed = new List<string>();
        foreach (var (id, plaintext) in _vault.List(VaultCollection.Cell))
        {
            using var record = Decode(plaintext, p => CellRecord.Decode(id, p));
            if (record.State is null)
            {
                continue;
            }

            // One damaged cell is reported; the others are still synced.
            Cell cell;
            try
            {
                cell = OpenCell(record);
            }
            catch (VaultCorruptedException e)
            {
                problems.Add($"Cell \"{record.Name}\": {e.Message}");
                continue;
            }

            using (cell)
            try
            {
                var messages = await RelayCallAsync(record.Relay, () => cell.SyncAsync(TimeSpan.Zero, cancellationToken)).ConfigureAwait(false);
                received.AddRange(SaveCell(record, cell, messages));
                if (record.State is null)
                {
                    removed.Add(record.Name);
                }
            }
            catch (NodeException e) when (e is RelayUnreachableException or RelayRejectedException)
            {
                problems.Add($"Cell \"{record.Name}\": {e.Message}");
            }
        }

        await DeliverWelcomesAsync(problems, cancellationToken).ConfigureAwait(false);
        return new SyncResult(received, removed, new ReceiveResult(added, pending, rejected, joined), problems);
    }

    /// <summary>The messages received, oldest first; only the unread ones with <paramref name="unreadOnly"/>.</summary>
    public IReadOnlyList<InboxMessage> Inbox(bool unreadOnly = false)
        => LoadInbox(null).Where(m => !unreadOnly || !m.Read).Select(m => m.ToMessage()).ToList();

    /// <summary>The messages received in <paramref name="cell"/>, oldest first; marks them read.</summary>
    public IReadOnlyList<InboxMessage> Read(string cell)
    {
        using var record = FindCell(cell);
        var messages = LoadInbox(record.Id);
        using (var transaction = _vault.Begin())
        {
            foreach (var message in messages.Where(m => !m.Read))
            {
                transaction.Put(VaultCollection.Inbox, message.Id, (message with { Read = true }).Encode(), InboxRecord.LookupName(record.Id));
            }

            transaction.Commit();
        }

        return messages.Select(m => m.ToMessage()).ToList();
    }

    /// <summary>Writes a received file to <paramref name="path"/> (which must not exist yet).</summary>
    public void SaveFile(string messageId, string path)
    {
        var message = FindMessage(messageId);
        if (message.FileName is null)
        {
            throw new ArgumentException("That message is a text, not a file.", nameof(messageId));
        }

        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        foreach (var chunk in FileChunks(message))
        {
            file.Write(chunk.Data);
        }
    }

    private async Task SendAsync(string cellName, IEnumerable<CellContent> contents, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        using var record = FindCell(cellName);
        using var cell = OpenCell(record);
        long sent = 0;
        foreach (var content in contents)
        {
            await RelayCallAsync(record.Relay, () => cell.SendAsync(content, cancellationToken)).ConfigureAwait(false);
            sent += content is FileChunk chunk ? chunk.Data.Length : 0;
            progress?.Report(sent);
        }

        SaveCell(record, cell);
    }

    /// <summary>A cell from its record, whose every checkpoint is stored in the vault.</summary>
    private Cell OpenCell(CellRecord record)
    {
        if (record.State is null)
        {
            throw new NotAMemberException($"This node is no longer a member of \"{record.Name}\" (it left or was removed).");
        }

        Cell cell;
        try
        {
            cell = Cell.Restore(record.Name, record.Layer, record.State, RelayAt(record.Relay));
        }
        catch (Wire.MalformedRecordException e)
        {
            throw new VaultCorruptedException("A cell of the vault cannot be read (" + e.Message + "). Restore the home directory from a backup.", e);
        }

        cell.RetryFor = _options.RelayRetry;
        cell.Checkpoint = () => SaveCell(record, cell);
        return cell;
    }

    /// <summary>
    /// Stores the cell's state together with what it received (as inbox records) and the Welcomes
    /// it has for delivery, in one transaction: a crash never loses or repeats a message.
    /// </summary>
    private List<InboxMessage> SaveCell(CellRecord record, Cell cell, IReadOnlyList<CellMessage>? received = null)
    {
        var old = record.State;
        record.State = cell.Group.IsActive ? cell.Save() : null;
        if (old is not null)
        {
            CryptographicOperations.ZeroMemory(old);
        }

        var stored = new List<InboxMessage>();
        using var transaction = _vault.Begin();
        if (received is not null)
        {
            StoreReceived(transaction, record, received, stored);
        }

        foreach (var (tag, welcome) in cell.TakeWelcomes())
        {
            foreach (var contactId in tag.Chunk(Vault.IdSize))
            {
                var delivery = new WelcomeDelivery(Vault.NewId(), contactId, record.Name, record.Layer, record.Relay, welcome);
                transaction.Put(VaultCollection.WelcomeDelivery, delivery.Id, delivery.Encode());
            }
        }

        PutCell(transaction, record);
        transaction.Commit();
        return stored;
    }

    private void StoreReceived(VaultTransaction transaction, CellRecord cell, IReadOnlyList<CellMessage> received, List<InboxMessage> stored)
    {
        var now = _options.Time.GetUtcNow().ToUnixTimeSeconds();
        var files = new Dictionary<string, FileProgress>();
        foreach (var message in received)
        {
            var (origin, content) = message.Content is Forwarded f ? (f.Origin, f.Inner) : (null, message.Content);
            InboxRecord? inbox = null;
            if (content is TextContent text)
            {
                inbox = new InboxRecord(Vault.NewId(), cell.Name, message.Sender, now, cell.Arrivals, text.Text, null, 0, null, 0, origin);
            }
            else if (content is FileChunk chunk)
            {
                var lookup = FileProgress.LookupName(cell.Id, message.Sender, chunk);
                var progress = files.GetValueOrDefault(lookup)
                    ?? _vault.Find(VaultCollection.FileProgress, lookup).Select(r => Decode(r.Plaintext, p => FileProgress.Decode(r.Id, p))).FirstOrDefault()
                    ?? new FileProgress(Vault.NewId(), RandomNumberGenerator.GetBytes(FileProgress.KeySize), chunk.Count, 0, 0);
                progress = progress with { Received = progress.Received + 1, Size = progress.Size + chunk.Data.Length };
                transaction.Put(VaultCollection.FileChunk, Vault.NewId(), FileProgress.EncodeChunk(chunk), FileProgress.ChunkLookupName(progress.ChunksKey));
                if (progress.Received < progress.Count)
                {
                    files[lookup] = progress;
                    transaction.Put(VaultCollection.FileProgress, progress.Id, progress.Encode(), lookup);
                    continue;
                }

                files.Remove(lookup);
                transaction.Delete(progress.Id);
                inbox = new InboxRecord(Vault.NewId(), cell.Name, message.Sender, now, cell.Arrivals, null, chunk.Name, progress.Size, progress.ChunksKey, progress.Count, origin);
            }

            if (inbox is not null)
            {
                cell.Arrivals++;
                transaction.Put(VaultCollection.Inbox, inbox.Id, inbox.Encode(), InboxRecord.LookupName(cell.Id));
                stored.Add(inbox.ToMessage());
            }
        }
    }

    /// <summary>Sends every stored Welcome through the pairwise drop of its contact; each leaves the store once the relay acknowledged it.</summary>
    private async Task DeliverWelcomesAsync(List<string> problems, CancellationToken cancellationToken)
    {
        foreach (var delivery in LoadAll(VaultCollection.WelcomeDelivery, WelcomeDelivery.Decode))
        {
            var contactPlaintext = _vault.Get(VaultCollection.Contact, delivery.ContactId);
            if (contactPlaintext is null)
            {
                Forget(delivery.Id);
                continue;
            }

            using var contact = Decode(contactPlaintext, p => ContactRecord.Decode(delivery.ContactId, p));
            try
            {
                await RelayAt(contact.Relay).AppendAsync(contact.TheirDrop, PairwiseChannel.Seal(contact, PairwiseMessageType.Welcome, delivery.Body()), new Guid(delivery.Id), cancellationToken).ConfigureAwait(false);
                Forget(delivery.Id);
            }
            catch (NodeException e) when (e is RelayUnreachableException or RelayRejectedException)
            {
                problems.Add($"A Welcome for \"{contact.TheirCodeName}\" waits: {e.Message}");
            }
        }
    }

    /// <summary>A Welcome from a contact: joins the cell with the KeyPackage we gave them, and sends them a fresh one in its place.</summary>
    private async Task JoinCellAsync(IRelay relay, ContactRecord contact, byte[] body, List<string> rejected, List<string> joined, CancellationToken cancellationToken)
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
            Put(contact);
            return;
        }

        Cell? cell = null;
        var used = -1;
        for (var i = 0; i < contact.OurBundles.Count && cell is null; i++)
        {
            using var bundle = KeyPackageBundle.Deserialize(contact.OurBundles[i]);
            try
            {
                cell = await RelayCallAsync(welcome.Relay, () => Cell.JoinAsync(UniqueCellName(IsValidName(welcome.Cell) ? welcome.Cell : $"cell from {contact.TheirCodeName}"), welcome.Layer, welcome.Welcome, bundle, RelayAt(welcome.Relay), cancellationToken)).ConfigureAwait(false);
                used = i;
            }
            catch (Exception e) when (e is MessageRejectedException or DecodeException)
            {
                // Not for this KeyPackage (or not valid at all): try the next one.
            }
        }

        if (cell is null)
        {
            rejected.Add($"A cell invitation from \"{contact.TheirCodeName}\" did not match any KeyPackage given to them, or did not verify; it was ignored.");
            Put(contact);
            return;
        }

        using (cell)
        {
            var layer = LayerFor(welcome);
            using var replacement = PairwiseIdentity.NewBundle(null, _options.Time.GetUtcNow(), _options.KeyPackageLifetime);
            var spent = contact.OurBundles[used];
            contact.OurBundles = [.. contact.OurBundles.Where((_, i) => i != used), replacement.Serialize()];
            CryptographicOperations.ZeroMemory(spent);
            using var record = new CellRecord { Id = Vault.NewId(), Name = cell.Name, Layer = layer.Name, Relay = welcome.Relay, State = cell.Save() };
            using (var transaction = _vault.Begin())
            {
                if (!_vault.Exists(VaultCollection.Layer, LayerRecord.LookupName(layer.Name)))
                {
                    transaction.Put(VaultCollection.Layer, layer.Id, layer.Encode(), LayerRecord.LookupName(layer.Name));
                }

                PutCell(transaction, record);
                PutContact(transaction, contact);
                transaction.Commit();
            }

            joined.Add(cell.Name);
            await relay.AppendAsync(contact.TheirDrop, PairwiseChannel.Seal(contact, PairwiseMessageType.KeyPackage, replacement.KeyPackageBytes), Guid.NewGuid(), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A fresh KeyPackage from a contact, for adding them to the next cell.</summary>
    private void StoreKeyPackage(ContactRecord contact, byte[] keyPackage, List<string> rejected)
    {
        if (keyPackage.Length > ContactOffer.MaxKeyPackageSize)
        {
            rejected.Add($"\"{contact.TheirCodeName}\" sent a KeyPackage that is too large; it was ignored.");
        }
        else
        {
            contact.TheirKeyPackages = [.. contact.TheirKeyPackages.TakeLast(ContactOffer.MaxKeyPackages - 1), keyPackage];
        }

        Put(contact);
    }

    /// <summary>The layer a joined cell goes into: ours that uses its relay, or a new one named as the sender named it.</summary>
    private LayerRecord LayerFor(WelcomeDelivery welcome)
    {
        var existing = LoadAll(VaultCollection.Layer, LayerRecord.Decode).FirstOrDefault(l => l.Relays.Contains(welcome.Relay));
        if (existing is not null)
        {
            return existing;
        }

        var wanted = IsValidName(welcome.Layer) ? welcome.Layer : "layer";
        var name = wanted;
        for (var n = 2; _vault.Exists(VaultCollection.Layer, LayerRecord.LookupName(name)); n++)
        {
            name = $"{wanted} ({n})";
        }

        return new LayerRecord(Vault.NewId(), name, [welcome.Relay]);
    }

    private string UniqueCellName(string wanted)
    {
        var name = wanted;
        for (var n = 2; _vault.Exists(VaultCollection.Cell, CellRecord.LookupName(name)); n++)
        {
            name = $"{wanted} ({n})";
        }

        return name;
    }

    private CellSummary Summarize(CellRecord record)
    {
        if (record.State is null)
        {
            return new CellSummary(record.Name, record.Layer, record.Relay, false, string.Empty, [], 0);
        }

        using var cell = OpenCell(record);
        return Summarize(record, cell);
    }

    private static CellSummary Summarize(CellRecord record, Cell cell)
        => new(record.Name, record.Layer, record.Relay, true, cell.CodeName, cell.Members, cell.Group.Epoch);

    private CellRecord FindCell(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var match = _vault.Find(VaultCollection.Cell, CellRecord.LookupName(name));
        return match.Count == 1
            ? Decode(match[0].Plaintext, p => CellRecord.Decode(match[0].Id, p))
            : throw new UnknownCellException($"No cell is called \"{name}\".");
    }

    private LayerRecord FindLayer(string? name)
    {
        if (name is null)
        {
            var layers = LoadAll(VaultCollection.Layer, LayerRecord.Decode);
            return layers.Count == 1
                ? layers[0]
                : throw new UnknownLayerException(layers.Count == 0 ? "There is no layer yet: create one with its relays first (layer create)." : "There are several layers: name the cell's layer.");
        }

        var match = _vault.Find(VaultCollection.Layer, LayerRecord.LookupName(name));
        return match.Count == 1
            ? Decode(match[0].Plaintext, p => LayerRecord.Decode(match[0].Id, p))
            : throw new UnknownLayerException($"No layer is called \"{name}\".");
    }

    private InboxRecord FindMessage(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var matches = LoadInbox(null).Where(m => id.Length >= 6 && Convert.ToHexStringLower(m.Id).StartsWith(id, StringComparison.OrdinalIgnoreCase)).ToList();
        return matches.Count == 1 ? matches[0] : throw new UnknownMessageException($"No received message has the id \"{id}\" (see inbox).");
    }

    private IEnumerable<FileChunk> FileChunks(InboxRecord file)
    {
        var chunks = _vault.Find(VaultCollection.FileChunk, FileProgress.ChunkLookupName(file.ChunksKey!))
            .Select(r => Decode(r.Plaintext, p => FileProgress.DecodeChunk(p)))
            .OrderBy(c => c.Index)
            .ToList();
        if (chunks.Count != file.ChunkCount || chunks.Where((c, i) => c.Index != i).Any())
        {
            throw new VaultCorruptedException("A stored file is missing chunks. Restore the home directory from a backup.");
        }

        return chunks.Select(c => new FileChunk(file.FileName!, c.Index, file.ChunkCount, c.Data));
    }

    private List<InboxRecord> LoadInbox(byte[]? cellId)
    {
        var records = cellId is null ? _vault.List(VaultCollection.Inbox) : _vault.Find(VaultCollection.Inbox, InboxRecord.LookupName(cellId));
        // Oldest first: by second, and within a cell in the order its drops delivered (one sync stores many in the same second).
        return records.Select(r => Decode(r.Plaintext, p => InboxRecord.Decode(r.Id, p))).OrderBy(m => m.ReceivedAt).ThenBy(m => m.Arrival).ToList();
    }

    private List<T> LoadAll<T>(VaultCollection collection, Func<byte[], ReadOnlySpan<byte>, T> decode)
        => _vault.List(collection).Select(r => Decode(r.Plaintext, p => decode(r.Id, p))).ToList();

    private void Put(CellRecord record)
    {
        using var transaction = _vault.Begin();
        PutCell(transaction, record);
        transaction.Commit();
    }

    private static void PutCell(VaultTransaction transaction, CellRecord record)
    {
        var plaintext = record.Encode();
        try
        {
            transaction.Put(VaultCollection.Cell, record.Id, plaintext, CellRecord.LookupName(record.Name));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    private void Forget(byte[] id)
    {
        using var transaction = _vault.Begin();
        transaction.Delete(id);
        transaction.Commit();
    }

    private HttpRelay RelayAt(string address)
    {
        if (!_relays.TryGetValue(address, out var relay))
        {
            relay = _relays[address] = new HttpRelay(new Uri(address));
        }

        return relay;
    }

    /// <summary>A cell's relay calls, with the relay client's failures turned into the node's user-facing ones.</summary>
    private static Task<T> RelayCallAsync<T>(string relay, Func<Task<T>> call) => HttpRelay.CallAsync(relay, call);

    private static Task RelayCallAsync(string relay, Func<Task> call)
        => RelayCallAsync(relay, async () =>
        {
            await call().ConfigureAwait(false);
            return true;
        });

    /// <summary>Names of cells and layers (ours, or offered in a Welcome): printable, trimmed, at most <see cref="CellRecord.MaxNameBytes"/> bytes.</summary>
    private static bool IsValidName(string name)
        => !string.IsNullOrWhiteSpace(name) && name == name.Trim() && System.Text.Encoding.UTF8.GetByteCount(name) <= CellRecord.MaxNameBytes && !name.Any(char.IsControl);

    private static void CheckName(string name, string what)
    {
        if (!IsValidName(name))
        {
            throw new ArgumentException($"A {what} name is 1 to {CellRecord.MaxNameBytes} bytes of printable text without leading or trailing spaces.", nameof(name));
        }
    }
}
