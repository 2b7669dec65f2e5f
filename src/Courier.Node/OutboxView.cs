using Courier.Node.Cells;
using Courier.Node.Storage;

namespace Courier.Node;

/// <summary>What waits to be delivered, read from the vault: each cell's outbox, Welcomes for contacts, and the pairwise outbox.</summary>
internal static class OutboxView
{
    public static IReadOnlyList<OutboxItem> List(NodeContext node)
    {
        // What open cells learned of their messages' places waits for their next write: written
        // first, so that a message the relay has confirmed is not listed as waiting.
        node.Cells.WriteDeferred();
        var items = new List<OutboxItem>();
        foreach (var cell in node.Cells.All().Where(c => c.IsMember))
        {
            var entries = node.Vault.ReadFound(VaultCollection.Outbox, VaultCellStore.OutboxLookup(cell.Id), (_, p) => OutboxEntry.Decode(p));
            items.AddRange(entries.OrderBy(e => e.Order).Select(e => new OutboxItem("cell", cell.Name, e.Refused ? "set aside" : "unsettled", e.QueuedAt > 0 ? DateTimeOffset.FromUnixTimeSeconds(e.QueuedAt) : null, e.Epoch)));
        }

        // Welcomes a commit merged and the sync has not yet moved into the pairwise outbox (it does first thing).
        foreach (var welcome in node.Vault.ReadAll(VaultCollection.WelcomeDelivery, WelcomeDelivery.Decode))
        {
            items.Add(new OutboxItem("welcome", ContactName(node, welcome.ContactId), "waiting", null, null));
        }

        var pairwise = node.Pairwise.All();
        foreach (var entry in pairwise.Where(e => e.Type == Introductions.PairwiseMessageType.Welcome))
        {
            items.Add(new OutboxItem("welcome", ContactName(node, entry.ContactId), "waiting", DateTimeOffset.FromUnixTimeSeconds(entry.QueuedAt), null));
        }

        foreach (var entry in pairwise.Where(e => e.Type != Introductions.PairwiseMessageType.Welcome))
        {
            items.Add(new OutboxItem("contact", ContactName(node, entry.ContactId), "waiting", DateTimeOffset.FromUnixTimeSeconds(entry.QueuedAt), null));
        }

        return items;
    }

    private static string ContactName(NodeContext node, byte[] contactId)
    {
        using var contact = node.Contacts.Get(contactId);
        return contact?.TheirCodeName ?? "(a contact since deleted)";
    }
}
