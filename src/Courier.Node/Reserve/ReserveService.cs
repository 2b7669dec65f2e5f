using System.Security.Cryptography;
using Courier.Node.Contacts;
using Courier.Node.Introductions;
using Courier.Node.Storage;
using Courier.Node.Wire;

namespace Courier.Node.Reserve;

/// <summary>
/// The reserve cell (docs/exposure.md, "The reserve cell"): designating one (what a successor needs to
/// take over a layer, split k-of-n by <see cref="Shamir"/>, each share sealed to one member through the
/// pairwise channel with that member alone) and keeping the shares this node receives.
/// </summary>
internal sealed partial class ReserveService(NodeContext node, Exposure.ExposureService exposure, Cells.CellService cells)
{
    /// <summary>
    /// Gathers what a successor needs to take over <paramref name="layer"/> (its name, relays and mix
    /// pins, this node's organization map), splits it k-of-n over <paramref name="members"/> and sends
    /// each member its share alone. <paramref name="cell"/> is the reserve cell, where they activate.
    /// </summary>
    public async Task<ReserveDesignation> DesignateAsync(string cell, string layer, int threshold, IReadOnlyList<string> members, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(members);
        var cellRecord = node.Cells.Find(cell);
        if (!cellRecord.IsMember)
        {
            throw new ReserveRefusedException($"This node is no longer a member of \"{cellRecord.Name}\"; a reserve cell must be one its members share.");
        }

        if (members.Count < 2 || members.Count > 255 || threshold < 2 || threshold > members.Count)
        {
            throw new ReserveRefusedException($"A reserve needs 2 to 255 members and a threshold from 2 to their number; {members.Count} member(s) and a threshold of {threshold} were given. Nothing was sent.");
        }

        var layerRecord = node.Layers.Find(layer);
        var contacts = members.Select(node.Contacts.Find).ToList();
        try
        {
            if (contacts.DistinctBy(c => Convert.ToHexString(c.Id)).Count() != contacts.Count)
            {
                throw new ArgumentException("A contact is named twice.", nameof(members));
            }

            var groupId = await node.Cells.RunAsync(cellRecord, (open, _) => Task.FromResult(open.Group.GroupId.ToArray())).ConfigureAwait(false);
            var map = (await exposure.MapAsync().ConfigureAwait(false)).Encode();
            var secret = new ReserveSecret(layerRecord.Name, layerRecord.Relays, layerRecord.MixPins, layerRecord.RequirePostQuantum, map).Encode();
            var shares = new List<ShamirShare>();
            try
            {
                if (secret.Length > ReserveSecret.MaxLength)
                {
                    throw new ReserveRefusedException($"What the layer's successor needs is {secret.Length} bytes, more than a share carries ({ReserveSecret.MaxLength}): this node knows too much of the organization. Nothing was sent.");
                }

                var id = Vault.NewId();
                using (var random = RandomNumberGenerator.Create())
                {
                    shares = Shamir.Split(secret, threshold, contacts.Count, random);
                }

                var commitments = shares.Select(s => ReserveShareMessage.CommitShare(id, s)).ToList();
                var secretCommitment = ReserveShareMessage.CommitSecret(id, secret);
                var cellKey = ReserveShareMessage.KeyOfCell(groupId);
                var notices = new List<string>();
                for (var i = 0; i < contacts.Count; i++)
                {
                    var body = new ReserveShareMessage(id, cellKey, threshold, contacts.Count, shares[i], secretCommitment, commitments).Encode();
                    try
                    {
                        // Sealed to this member alone, under the pairwise key only the two of us hold.
                        var entry = node.Pairwise.Queue(contacts[i], PairwiseMessageType.ReserveShare, body);
                        await node.Pairwise.DeliverNewAsync(node.Relays.At(contacts[i].Relay), contacts[i], entry, notices, cancellationToken).ConfigureAwait(false);
                    }
                    finally
                    {
                        CryptographicOperations.ZeroMemory(body);
                    }
                }

                return new ReserveDesignation(Convert.ToHexStringLower(id), layerRecord.Name, threshold, [.. contacts.Select(c => c.TheirCodeName)], notices);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(secret);
                shares.ForEach(s => CryptographicOperations.ZeroMemory(s.Y));
            }
        }
        finally
        {
            contacts.ForEach(c => c.Dispose());
        }
    }

    /// <summary>Keeps a share a contact designated this node for, with the contact's replay window, in one transaction; anything else is reported and ignored.</summary>
    public void Receive(ContactRecord contact, byte[] body, List<string> rejected)
    {
        ReserveShareMessage? message = null;
        try
        {
            message = ReserveShareMessage.Decode(body);
        }
        catch (MalformedRecordException)
        {
            rejected.Add($"\"{contact.TheirCodeName}\" sent a reserve share that is malformed or does not match its commitments; it was ignored.");
        }

        var duplicate = message is not null && Held().Any(s => s.Message.ReserveId.AsSpan().SequenceEqual(message.ReserveId));
        using var transaction = node.Vault.Begin();
        ContactRepository.Put(transaction, contact);
        if (duplicate)
        {
            rejected.Add($"\"{contact.TheirCodeName}\" sent a second share of a reserve this node holds a share of; it was ignored.");
        }
        else if (message is not null)
        {
            var stored = new StoredReserveShare(Vault.NewId(), contact.Id, node.Now, message);
            transaction.PutWiped(VaultCollection.ReserveShare, stored.Id, stored.Encode());
        }

        transaction.Commit();
        CryptographicOperations.ZeroMemory(body);
    }

    /// <summary>The shares this node holds, oldest first, without their secrets.</summary>
    public IReadOnlyList<ReserveShareInfo> List()
    {
        var names = DesignatorNames();
        return [.. Held().OrderBy(s => s.ReceivedAt).Select(s => new ReserveShareInfo(
            Convert.ToHexStringLower(s.Message.ReserveId),
            s.Message.Threshold,
            s.Message.Count,
            s.Message.Share.X,
            names(s),
            DateTimeOffset.FromUnixTimeSeconds(s.ReceivedAt)))];
    }

    /// <summary>What the exposure report shows of each share held (oldest first): the reserve, k of n, its designator and cell, how far activation went; never the share.</summary>
    public async Task<IReadOnlyList<Exposure.HeldReserve>> ExposureAsync()
    {
        var names = DesignatorNames();
        var states = node.Vault.ReadAll(VaultCollection.ReserveState, ActivationState.Decode);
        var held = new List<Exposure.HeldReserve>();
        foreach (var stored in Held().OrderBy(s => s.ReceivedAt))
        {
            var share = stored.Message;
            var cell = await ReserveCellAsync(share.CellKey).ConfigureAwait(false);
            var seen = cell is null ? 0 : CheckShares(share, Posted(cell, share.ReserveId)).Shares.Count - 1;
            var activated = states.Any(s => s.ReserveId.AsSpan().SequenceEqual(share.ReserveId));
            held.Add(new(Convert.ToHexStringLower(share.ReserveId), share.Threshold, share.Count, share.Share.X, names(stored), cell?.Name, activated, seen));
            CryptographicOperations.ZeroMemory(share.Share.Y);
        }

        return held;
    }

    /// <summary>The name this node knows each share's designator by.</summary>
    private Func<StoredReserveShare, string> DesignatorNames()
    {
        var names = node.Contacts.Select(c => (Id: Convert.ToHexString(c.Id), Name: c.TheirCodeName)).ToDictionary(c => c.Id, c => c.Name);
        return s => names.GetValueOrDefault(Convert.ToHexString(s.DesignatorId), "(a contact since deleted)");
    }

    /// <summary>Every share held, as stored (secret: wipe what is not kept).</summary>
    internal List<StoredReserveShare> Held() => node.Vault.ReadAll(VaultCollection.ReserveShare, StoredReserveShare.Decode);
}
