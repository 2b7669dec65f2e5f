using System.Security.Cryptography;
using Courier.Node.Cells;
using Courier.Relay.Client.Bundles;

namespace Courier.Node.Bundles;

/// <summary>
/// Sneakernet bundles at a node (docs/bundles.md): exporting what waits in the cells' outboxes, sealed
/// to the relays of their layers and to the cells' members, and importing what a bundle carries for
/// this node's cells. Exported entries stay in the outbox until this node sees them in their drops;
/// a later sync appends them under the same message ids, which a relay that already has them ignores.
/// </summary>
internal sealed class BundleService(NodeContext node)
{
    /// <summary>Writes a bundle of what waits in the outboxes of the cells chosen (one cell, one layer's, or all).</summary>
    /// <exception cref="UnknownCellException">No cell has the name given.</exception>
    /// <exception cref="UnknownLayerException">No layer has the name given.</exception>
    /// <exception cref="NoRelayIdentityException">A layer with something waiting pins no relay identity key.</exception>
    /// <exception cref="BundleException">What waits does not fit one bundle.</exception>
    public async Task<BundleExport> ExportAsync(string? cell, string? layer, DateTimeOffset? since, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        node.Cells.WriteDeferred();
        var records = Chosen(cell, layer);
        var sections = new List<BundleSection>();
        try
        {
            var relayEntries = new Dictionary<string, List<BundleEntry>>(StringComparer.Ordinal);
            var (cells, envelopes) = (new List<string>(), 0);
            foreach (var record in records)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var (waiting, memberKey) = await node.Cells.RunAsync(record, (c, _) => Task.FromResult((c.Waiting(since?.ToUnixTimeSeconds() ?? 0), c.BundleKey()))).ConfigureAwait(false);
                try
                {
                    if (waiting.Count == 0)
                    {
                        continue;
                    }

                    cells.Add(record.Name);
                    envelopes += waiting.Count;
                    var key = LayerRecord.LookupName(record.Layer);
                    (relayEntries.TryGetValue(key, out var list) ? list : relayEntries[key] = []).AddRange(waiting.Select(w => w.Entry));
                    var current = waiting.Where(w => w.Current).Select(w => w.Entry).ToList();
                    if (current.Count > 0)
                    {
                        sections.Add(new BundleSection([BundleRecipient.Members(memberKey)], current));
                    }
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(memberKey);
                }
            }

            var layers = new List<string>();
            foreach (var (name, entries) in relayEntries)
            {
                var layerRecord = node.Layers.Find(name);
                var relays = layerRecord.MixPins.Where(p => p.Length > 0).Select(p => BundleRecipient.Relay(p)).ToList();
                if (relays.Count == 0)
                {
                    throw new NoRelayIdentityException($"No relay of the layer \"{layerRecord.Name}\" has a pinned identity key, so a bundle cannot be sealed to them: pin them with 'courier layer create {layerRecord.Name} --relay URL --mix-pin KEY' (each relay prints its key as 'mix identity key: ...').");
                }

                layers.Add(layerRecord.Name);
                sections.Add(new BundleSection(relays, entries));
            }

            var bundle = envelopes == 0 ? [] : BundleWriter.Write(sections, node.Now, progress);
            return new BundleExport(bundle, envelopes, cells, layers);
        }
        finally
        {
            // The members' keys of the sections.
            foreach (var recipient in sections.SelectMany(s => s.Recipients))
            {
                recipient.Dispose();
            }
        }
    }

    /// <summary>
    /// Reads what <paramref name="bundle"/> carries for this node's cells as if fetched from their
    /// drops; returns what reached the inbox. When a drop a relay exported closes a cell's epoch (its
    /// commit read in the drop's order), the bundle is opened again with the cell's next keys, for the
    /// drops of the epochs that follow.
    /// </summary>
    /// <exception cref="BundleException">The bundle is refused (holds nothing for this node, altered, truncated); nothing was imported.</exception>
    public async Task<IReadOnlyList<InboxMessage>> ImportAsync(byte[] bundle, CancellationToken cancellationToken)
    {
        var received = new List<InboxMessage>();
        HashSet<string>? cells = null;

        // Each round reads one epoch further; a bundle holds at most a section per slot.
        for (var round = 0; cells is not { Count: 0 } && round < BundleFormat.SlotCount; round++)
        {
            var (records, keys) = await KeysAsync(cells).ConfigureAwait(false);
            IReadOnlyList<OpenedSection> sections;
            try
            {
                sections = BundleReader.Open(bundle, keys);
            }
            catch (BundleException e) when (round > 0 && e.Reason == BundleRefusal.NothingForYou)
            {
                break;
            }
            finally
            {
                keys.ForEach(k => k.Dispose());
            }

            cells = [];
            foreach (var section in sections)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var record = records[section.KeyIndex];
                var closed = await node.Cells.RunAsync(record, (c, store) =>
                {
                    var closed = c.AcceptCarried(section);
                    received.AddRange(store.TakeStored());
                    return Task.FromResult(closed);
                }).ConfigureAwait(false);
                if (closed)
                {
                    cells.Add(record.Name);
                }
            }
        }

        return received;
    }

    /// <summary>The keys of this node's cells, to test candidates with.</summary>
    public async Task<BundleRecognizer> RecognizerAsync() => new((await KeysAsync(null).ConfigureAwait(false)).Keys);

    /// <summary>Per cell of <paramref name="names"/> (null: all), two keys: its members' (what a node exports) and its current drop's readers' (what a relay exports); <c>Records[i]</c> is the cell of <c>Keys[i]</c>.</summary>
    private async Task<(List<CellRecord> Records, List<BundleKey> Keys)> KeysAsync(HashSet<string>? names)
    {
        var (records, keys) = (new List<CellRecord>(), new List<BundleKey>());
        foreach (var record in node.Cells.All().Where(c => c.IsMember && (names is null || names.Contains(c.Name))))
        {
            var (members, readers) = await node.Cells.RunAsync(record, (c, _) => Task.FromResult((c.BundleKey(), c.DropReadSeed()))).ConfigureAwait(false);
            keys.Add(BundleKey.ForMembers(members));
            keys.Add(BundleKey.ForDropReaders(readers));
            records.Add(record);
            records.Add(record);
            CryptographicOperations.ZeroMemory(members);
            CryptographicOperations.ZeroMemory(readers);
        }

        return (records, keys);
    }

    private List<CellRecord> Chosen(string? cell, string? layer)
    {
        if (cell is not null)
        {
            var record = node.Cells.Find(cell);
            return record.IsMember ? [record] : throw new NotAMemberException($"This node is no longer a member of {record.Name}: nothing of it can be exported.");
        }

        var members = node.Cells.All().Where(c => c.IsMember);
        if (layer is null)
        {
            return [.. members];
        }

        var name = LayerRecord.LookupName(node.Layers.Find(layer).Name);
        return [.. members.Where(c => LayerRecord.LookupName(c.Layer) == name)];
    }
}
