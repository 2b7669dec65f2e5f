using System.Security.Cryptography;
using Courier.Frost;
using Courier.Node.Cells;
using Courier.Node.Contacts;
using Courier.Node.Introductions;
using Courier.Node.Storage;
using Courier.Node.Wire;

namespace Courier.Node.Council;

/// <summary>
/// Authorities held by a council of nodes (docs/bulletins.md, "Councils"): a trusted dealer's key
/// generation (RFC 9591 Appendix C) whose shares go each to one member alone through the pairwise
/// channel, the shares this node holds, and the signing rounds over the council's cell
/// (<see cref="CouncilService"/>'s other part).
/// </summary>
internal sealed partial class CouncilService(NodeContext node, Bulletins.BulletinStore bulletins)
{
    /// <summary>
    /// Deals an authority's key k-of-n between this node and <paramref name="members"/> (contacts, members
    /// of <paramref name="cell"/>): this node keeps share 1, each member gets its own share alone, sealed
    /// through the pairwise channel; the whole key is wiped. This node then follows the authority.
    /// </summary>
    public async Task<(CouncilAuthority Authority, IReadOnlyList<string> Notices)> CreateAsync(string name, string cell, int threshold, IReadOnlyList<string> members, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(members);
        Names.Check(name, "authority");
        var cellRecord = node.Cells.Find(cell);
        if (!cellRecord.IsMember)
        {
            throw new CouncilRefusedException($"This node is no longer a member of \"{cellRecord.Name}\"; a council's cell must be one its members share.");
        }

        var count = members.Count + 1;
        if (count < 2 || count > 255 || threshold < 2 || threshold > count)
        {
            throw new CouncilRefusedException($"A council is this node and 1 to 254 members, with a threshold from 2 to their number; {count} member(s) and a threshold of {threshold} were given. Nothing was sent.");
        }

        if (Held().Any(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new NameTakenException($"This node holds a share of another authority named {name}: choose another name.");
        }

        var contacts = members.Select(node.Contacts.Find).ToList();
        try
        {
            if (contacts.DistinctBy(c => Convert.ToHexString(c.Id)).Count() != contacts.Count)
            {
                throw new ArgumentException("A contact is named twice.", nameof(members));
            }

            var groupId = await node.Cells.RunAsync(cellRecord, (open, _) => Task.FromResult(open.Group.GroupId.ToArray())).ConfigureAwait(false);
            var cellKey = AuthorityShareMessage.KeyOfCell(groupId);
            var dealt = TrustedDealer.Generate(threshold, count);
            var publicKeys = dealt.PublicKeys.Serialize();
            var notices = new List<string>();
            var own = dealt.Shares[0].Serialize();
            try
            {
                var held = new HeldAuthority(Vault.NewId(), name, cellRecord.Id, own, publicKeys, 0, 0, [], [], node.Now);
                Put(held);
                for (var i = 0; i < contacts.Count; i++)
                {
                    var key = dealt.Shares[i + 1].Serialize();
                    var body = new AuthorityShareMessage(name, cellKey, key, publicKeys).Encode();
                    try
                    {
                        // Sealed to this member alone, under the pairwise key only the two of us hold.
                        var entry = node.Pairwise.Queue(contacts[i], PairwiseMessageType.AuthorityShare, body);
                        await node.Pairwise.DeliverNewAsync(node.Relays.At(contacts[i].Relay), contacts[i], entry, notices, cancellationToken).ConfigureAwait(false);
                    }
                    finally
                    {
                        CryptographicOperations.ZeroMemory(key);
                        CryptographicOperations.ZeroMemory(body);
                    }
                }

                Follow(held, notices);
                return (held.ToInfo(cellRecord.Name), notices);
            }
            finally
            {
                // The dealer keeps no more than its own share: every other share, and so the key, is wiped.
                CryptographicOperations.ZeroMemory(own);
                foreach (var share in dealt.Shares)
                {
                    share.Dispose();
                }
            }
        }
        finally
        {
            contacts.ForEach(c => c.Dispose());
        }
    }

    /// <summary>Keeps a share a contact dealt to this node, with the contact's replay window, in one transaction; anything else is reported and ignored.</summary>
    public async Task ReceiveAsync(ContactRecord contact, byte[] body, List<string> rejected)
    {
        AuthorityShareMessage? message = null;
        try
        {
            message = AuthorityShareMessage.Decode(body);
        }
        catch (MalformedRecordException)
        {
            rejected.Add($"\"{contact.TheirCodeName}\" sent an authority share that is malformed or does not belong to its key; it was ignored.");
        }

        CellRecord? cell = null;
        HeldAuthority? held = null;
        if (message is not null)
        {
            var key = PublicKeyPackage.Deserialize(message.PublicKeyPackage).GroupPublicKey;
            cell = await node.Cells.FindByGroupKeyAsync(AuthorityShareMessage.KeyOfCell, message.CellKey).ConfigureAwait(false);
            if (Held().Any(h => h.GroupKey.AsSpan().SequenceEqual(key)))
            {
                rejected.Add($"\"{contact.TheirCodeName}\" sent a second share of an authority this node holds a share of; it was ignored.");
            }
            else if (cell is null)
            {
                rejected.Add($"\"{contact.TheirCodeName}\" sent a share of the authority \"{message.Name}\" whose council cell this node is not a member of; it was ignored.");
            }
            else
            {
                var name = message.Name;
                for (var n = 2; Held().Any(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)); n++)
                {
                    name = $"{message.Name} ({n})";
                }

                held = new HeldAuthority(Vault.NewId(), name, cell.Id, message.KeyPackage, message.PublicKeyPackage, 0, 0, [], contact.Id, node.Now);
            }
        }

        using (var transaction = node.Vault.Begin())
        {
            ContactRepository.Put(transaction, contact);
            if (held is not null)
            {
                transaction.PutWiped(VaultCollection.AuthorityShare, held.Id, held.Encode());
            }

            transaction.Commit();
        }

        if (held is not null)
        {
            Follow(held, rejected);
        }

        CryptographicOperations.ZeroMemory(body);
    }

    /// <summary>The authorities this node holds a share of, oldest first, without their secrets.</summary>
    public IReadOnlyList<CouncilAuthority> List()
    {
        var cells = node.Cells.All().ToDictionary(c => Convert.ToHexString(c.Id), c => c.Name);
        return [.. Held().OrderBy(h => h.ReceivedAt).Select(h => h.ToInfo(cells.GetValueOrDefault(Convert.ToHexString(h.CellId), "(a cell since deleted)")))];
    }

    /// <summary>Every authority share held, as stored (secret).</summary>
    internal List<HeldAuthority> Held() => node.Vault.ReadAll(VaultCollection.AuthorityShare, HeldAuthority.Decode);

    private HeldAuthority Find(string name) => Held().FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new UnknownAuthorityException($"This node holds no share of an authority \"{name}\" (courier authority list shows those it holds).");

    private void Put(HeldAuthority held)
    {
        using var transaction = node.Vault.Begin();
        transaction.PutWiped(VaultCollection.AuthorityShare, held.Id, held.Encode());
        transaction.Commit();
    }

    /// <summary>A council member accepts its authority's bulletins: it follows the key (under its name, or says why not).</summary>
    private void Follow(HeldAuthority held, List<string> notices)
    {
        var key = held.GroupKey;
        if (bulletins.Authorities().Any(a => a.Key == Convert.ToHexStringLower(key)))
        {
            return;
        }

        try
        {
            bulletins.Follow(held.Name, key);
        }
        catch (NameTakenException e)
        {
            notices.Add($"This node holds a share of the authority \"{held.Name}\" but does not follow its bulletins: {e.Message}");
        }
    }
}
