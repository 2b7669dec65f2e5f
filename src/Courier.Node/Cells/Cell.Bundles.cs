using Courier.Mls;
using Courier.Mls.Codec;
using Courier.Mls.Group;
using Courier.Relay.Client;
using Courier.Relay.Client.Bundles;

namespace Courier.Node.Cells;

/// <summary>A cell's part in bundles (docs/bundles.md): what its outbox hands a bundle, and envelopes a bundle carried in.</summary>
internal sealed partial class Cell
{
    private const string BundleKeyLabel = "courier cell bundle key";

    /// <summary>The members' bundle key of the current epoch, <c>MLS-Exporter("courier cell bundle key", "", 32)</c> (RFC 9420 §8.5); the caller wipes it.</summary>
    public byte[] BundleKey()
    {
        using var secret = Group.Export(BundleKeyLabel, [], 32);
        return secret.Export();
    }

    /// <summary>The seed of the current epoch's drop read key: a relay's export of the drop is sealed to its readers by it (docs/bundles.md); the caller wipes it.</summary>
    public byte[] DropReadSeed()
    {
        using var seeds = CellDrop.SeedsOf(Group);
        return [.. seeds.ReadSeed];
    }

    /// <summary>
    /// What waits in the outbox (queued at or after <paramref name="since"/>), each with an append
    /// authorization signed by its drop's append key, and whether it is of the current epoch (the
    /// members read only those). The entries stay in the outbox until this node sees them in their drop.
    /// </summary>
    public List<(BundleEntry Entry, bool Current)> Waiting(long since)
    {
        var waiting = new List<(BundleEntry, bool)>();
        foreach (var entry in _outbox.Where(e => !e.Refused && e.Envelope is not null && e.AppendSeed.Length == DropAppendKey.Size && e.QueuedAt >= since))
        {
            using var key = DropAppendKey.Import(entry.AppendSeed);
            waiting.Add((BundleEntry.Authorize(key, entry.Drop, entry.Id, entry.Envelope!), Group.IsActive && entry.Epoch == Group.Epoch && entry.Drop == _drop!.Name));
        }

        return waiting;
    }

    /// <summary>
    /// Reads what a bundle section carried for the current epoch's drop. A drop a relay exported comes
    /// in the drop's order with its sequence numbers: it is read as a fetched batch (<see cref="ReadBatch"/>)
    /// after the read position, its commit included; true when that closed the epoch (the caller then
    /// opens the bundle again with the next epoch's keys). Envelopes a node carried come in its
    /// outbox's order, not the drop's: application messages only (a commit counts only in the drop's
    /// order), without moving the read position. A message read here spends its ratchet key, so the
    /// same envelope later fetched from the drop, or carried again, is refused by MLS and read once.
    /// </summary>
    public bool AcceptCarried(OpenedSection section)
    {
        if (!Group.IsActive)
        {
            return false;
        }

        if (section.DropKeys is not null)
        {
            // Only what a member of the epoch sealed may move the read position: anyone holding the drop's
            // read key (its relays) can seal a section to its readers, with sequence numbers of their choosing.
            var batch = section.Entries.Where(e => e.Drop == _drop!.Name && e.Seq > _position && _drop.TryOpen(e.Envelope) is not null).Select(e => new FetchedEnvelope(e.Seq, e.Envelope)).ToList();
            return batch.Count > 0 && ReadBatch(batch, []).Closed;
        }

        var messages = new List<CellMessage>();
        var leaving = false;
        foreach (var entry in section.Entries.Where(e => e.Drop == _drop!.Name))
        {
            if (_drop!.TryOpen(entry.Envelope) is not (FrameKind, var mls) || !IsApplicationMessage(mls))
            {
                continue;
            }

            ProcessedMessage processed;
            try
            {
                processed = Group.Process(mls);
            }
            catch (Exception e) when (e is MessageRejectedException or DecodeException)
            {
                continue;
            }

            if (processed is { Kind: ProcessedKind.Application, ApplicationData: { } data, SenderLeaf: { } leaf } && CellContent.Parse(data) is { } content)
            {
                if (content is LeaveNotice)
                {
                    leaving |= _leaving.Add(CodeNameOf(leaf));
                }
                else
                {
                    // After what was read from the drop, in the order carried.
                    messages.Add(new CellMessage(CodeNameOf(leaf), content, processed.Epoch) { Sequence = _position + 1 + messages.Count });
                }
            }
        }

        Write(new CellChange { Group = SaveGroup(), Cursor = leaving ? Cursor() : null, Received = messages });
        return false;
    }

    /// <summary>
    /// Whether an MLSMessage is a PrivateMessage of content type application (RFC 9420 §6, §6.3):
    /// <c>u16 version | u16 wire_format (2) | group_id&lt;V&gt; | u64 epoch | u8 content_type (1)</c>. A
    /// handshake message must not be processed out of the drop's order: it would spend its key.
    /// </summary>
    private static bool IsApplicationMessage(ReadOnlySpan<byte> mls)
    {
        if (mls.Length < 5 || mls[2] != 0 || mls[3] != 2)
        {
            return false;
        }

        // The group id's length: a variable-size integer (RFC 9000 §16, as RFC 9420 §2.1.2 uses it).
        var prefix = 1 << (mls[4] >> 6);
        if (prefix > 4 || mls.Length < 4 + prefix)
        {
            return false;
        }

        long length = mls[4] & 0x3F;
        for (var i = 1; i < prefix; i++)
        {
            length = (length << 8) | mls[4 + i];
        }

        var contentType = 4 + prefix + length + 8;
        return contentType < mls.Length && mls[(int)contentType] == 1;
    }
}
