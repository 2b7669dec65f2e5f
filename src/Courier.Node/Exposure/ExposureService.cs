using System.Security.Cryptography;
using System.Text;
using Courier.Mls.Group;
using Courier.Node.Cells;
using Courier.Node.Introductions;
using Courier.Node.Storage;

namespace Courier.Node.Exposure;

/// <summary>
/// Reads what the vault reveals (docs/exposure.md, "What this device reveals"): the descriptions of
/// cells and layers (no group is opened), the contacts' public view and the code names in the
/// KeyPackages exchanged with them, pending introductions and invitations, and the inbox's times.
/// </summary>
internal sealed class ExposureService(NodeContext node, CellService cells, Bulletins.BulletinStore bulletins)
{
    /// <summary>The report, with the reserve shares held as the reserve service reads them (<paramref name="reserves"/>).</summary>
    public ExposureReport Report(IReadOnlyList<HeldReserve> reserves)
    {
        var names = new List<KnownCodeName>();
        var layers = cells.Layers;
        var cellList = cells.Cells;
        foreach (var cell in cellList.Where(c => c.IsMember))
        {
            names.Add(new(cell.CodeName, true, $"cell {cell.Name}"));
            names.AddRange(cell.Members.Where(m => m != cell.CodeName).Select(m => new KnownCodeName(m, false, $"cell {cell.Name}")));
        }

        var contacts = node.Contacts.Select(record =>
        {
            var contact = record.ToContact();
            names.Add(new(contact.Name, false, $"contact {contact.Name}"));
            names.Add(new(contact.OurCodeName, true, $"contact {contact.Name}"));
            names.AddRange(record.TheirKeyPackages.Select(LeafName).OfType<string>().Select(n => new KnownCodeName(n, false, $"keypackage from {contact.Name}")));
            names.AddRange(record.OurBundles.Select(BundleName).Select(n => new KnownCodeName(n, true, $"keypackage for {contact.Name}")));
            if (contact.IntroducedByName is { Length: > 0 } by)
            {
                names.Add(new(by, false, $"introducer of {contact.Name}"));
            }

            if (contact.IntroducedAs is { Length: > 0 } introducedAs)
            {
                names.Add(new(introducedAs, false, $"introduced as, by {contact.IntroducedByName}"));
            }

            return contact;
        });

        var introductions = new List<KnownIntroduction>();
        foreach (var pending in node.Vault.ReadAll(VaultCollection.PendingIntroduction, PendingIntroduction.Decode))
        {
            using (pending)
            {
                introductions.Add(new(pending.IntroducerName, pending.Statement.PeerName, pending.Relay));
                names.Add(new(pending.Statement.PeerName, false, $"pending introduction by {pending.IntroducerName}"));
                names.Add(new(pending.Ours.CodeName, true, $"pending introduction by {pending.IntroducerName}"));
                names.AddRange(pending.Ours.Bundles.Select(b => LeafName(b.KeyPackageBytes)).OfType<string>()
                    .Select(n => new KnownCodeName(n, true, $"keypackage for {pending.Statement.PeerName}")));
            }
        }

        var pendingCells = cells.Pending();
        var inbox = node.Inbox.Load(null);
        return new ExposureReport(
            [.. names.Distinct()],
            layers,
            cellList,
            pendingCells,
            contacts,
            introductions,
            Liaisons(cellList, inbox),
            Bulletins(),
            reserves,
            History(inbox));
    }

    /// <summary>The authorities followed, each with how many of its bulletins are held, and the authority shares held (never the share itself).</summary>
    private BulletinExposure Bulletins()
    {
        var held = bulletins.Bulletins();
        var cells = node.Cells.All().ToDictionary(c => Convert.ToHexString(c.Id), c => c.Name);
        var shares = node.Vault.ReadAll(Storage.VaultCollection.AuthorityShare, Council.HeldAuthority.Decode)
            .Select(h => h.ToInfo(cells.GetValueOrDefault(Convert.ToHexString(h.CellId), "(a cell since deleted)")));
        return new BulletinExposure(
            [.. bulletins.Authorities().Select(a => $"{a.Name} (key {a.Key}): {held.Count(b => b.Authority == a.Name)} bulletin(s) held, latest number {a.Latest}")],
            [.. shares.Select(a => $"{a.Name} (key {a.Key}): share {a.Number} of {a.Count}, {a.Threshold} sign, council cell {a.Cell}")]);
    }

    /// <summary>This node's analyst public key (made on first use), to which members seal their maps.</summary>
    public byte[] AnalystPublicKey()
    {
        using var key = AnalystKey.Load(node.Vault);
        return key.PublicKey;
    }

    /// <summary>What this member knows of the organization, code names and links only, sealed to <paramref name="analystKey"/>.</summary>
    public async Task<byte[]> ExportMapAsync(byte[] analystKey) => (await MapAsync().ConfigureAwait(false)).Seal(analystKey);

    /// <summary>What this member knows of the organization, code names and links only (also what a reserve it designates receives).</summary>
    public async Task<OrganizationMap> MapAsync()
    {
        var layers = node.Layers.All();
        var cellList = new List<MapCell>();
        foreach (var record in node.Cells.All().Where(c => c.IsMember))
        {
            // The group id is the one thing every member's map shares for a cell; only a hash of it leaves.
            var groupId = await node.Cells.RunAsync(record, (open, _) => Task.FromResult(open.Group.GroupId.ToArray())).ConfigureAwait(false);
            var relays = layers.FirstOrDefault(l => string.Equals(l.Name, record.Layer, StringComparison.OrdinalIgnoreCase))?.Relays ?? [record.Relay];
            cellList.Add(new MapCell(Key("courier organization map cell"u8, groupId, []), record.Name, record.Layer, relays, record.CodeName, record.Members));
        }

        var contacts = node.Contacts.Select(r =>
        {
            var (ours, theirs) = (r.OurSigningKey, r.TheirSigningKey);
            var ordered = ours.AsSpan().SequenceCompareTo(theirs) <= 0 ? (ours, theirs) : (theirs, ours);
            return new MapContact(Key("courier organization map contact"u8, ordered.Item1, ordered.Item2), r.TheirCodeName, r.OurCodeName);
        });
        return new OrganizationMap(cellList, [.. contacts]);
    }

    /// <summary>Opens maps sealed to this node's analyst key and runs the cascade from <paramref name="taken"/>.</summary>
    public CascadeReport Cascade(IReadOnlyList<byte[]> maps, IReadOnlyList<string> taken)
    {
        using var key = AnalystKey.Load(node.Vault);
        var opened = maps.Select(m => OrganizationMap.Open(m, key)).ToList();
        return Exposure.Cascade.Analyze(OrganizationGraph.Merge(opened), taken);
    }

    /// <summary>The first 16 bytes of SHA-256 over a label and the parts, in hex.</summary>
    private static string Key(ReadOnlySpan<byte> label, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(label);
        hash.AppendData(first);
        hash.AppendData(second);
        return Convert.ToHexStringLower(hash.GetHashAndReset().AsSpan(0, 16));
    }

    /// <summary>This member's cells in two layers, pairwise; and each sender who forwarded into a cell.</summary>
    private static List<LiaisonLink> Liaisons(IReadOnlyList<CellSummary> cellList, List<InboxRecord> inbox)
    {
        var own = cellList.Where(c => c.IsMember).ToList();
        var links = (from a in own
                     from b in own
                     where !string.Equals(a.Layer, b.Layer, StringComparison.OrdinalIgnoreCase)
                     select new LiaisonLink(a.CodeName, true, a.Name, a.Layer, b.CodeName, b.Name, b.Layer)).ToList();
        foreach (var sender in inbox.Where(m => m.Origin is not null).Select(m => (m.Cell, m.Sender)).Distinct())
        {
            var layer = cellList.FirstOrDefault(c => c.Name == sender.Cell)?.Layer ?? string.Empty;
            links.Add(new LiaisonLink(sender.Sender, false, sender.Cell, layer, null, null, null));
        }

        return links;
    }

    private MessageHistory History(List<InboxRecord> inbox)
    {
        var perCell = inbox.GroupBy(m => m.Cell).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new CellHistory(
            g.Key,
            g.Count(m => m.Text is not null),
            g.Count(m => m.FileName is not null),
            g.Where(m => m.FileName is not null).Sum(m => m.FileSize),
            g.Count(m => m.Origin is not null),
            DateTimeOffset.FromUnixTimeSeconds(g.Min(m => m.ReceivedAt)),
            DateTimeOffset.FromUnixTimeSeconds(g.Max(m => m.ReceivedAt)))).ToList();
        return new MessageHistory(
            perCell,
            inbox.Count,
            inbox.Count == 0 ? null : DateTimeOffset.FromUnixTimeSeconds(inbox.Min(m => m.ReceivedAt)),
            inbox.Count == 0 ? null : DateTimeOffset.FromUnixTimeSeconds(inbox.Max(m => m.ReceivedAt)),
            OutboxView.List(node).Count);
    }

    /// <summary>The code name in a KeyPackage's credential, or null when the bytes are not one.</summary>
    private static string? LeafName(byte[] keyPackage) => KeyPackages.LeafOf(keyPackage) is { } leaf ? Encoding.UTF8.GetString(leaf.Identity) : null;

    private static string BundleName(byte[] serialized)
    {
        using var bundle = KeyPackageBundle.Deserialize(serialized);
        return LeafName(bundle.KeyPackageBytes) ?? string.Empty;
    }
}
