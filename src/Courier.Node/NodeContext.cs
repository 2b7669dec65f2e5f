using Courier.Node.Cells;
using Courier.Node.Contacts;
using Courier.Node.Introductions;
using Courier.Node.Relay;
using Courier.Node.Storage;

namespace Courier.Node;

/// <summary>What every service of a node shares: its vault and repositories over it, its settings, its relays.</summary>
internal sealed class NodeContext : IDisposable
{
    public NodeContext(Vault vault, NodeOptions options)
    {
        Vault = vault;
        Options = options;
        Relays = new RelayPool(address => MixRelayAt(address) ?? options.Relays(address));
        Contacts = new ContactRepository(vault);
        Layers = new LayerRepository(vault);
        Inbox = new InboxRepository(vault, options.Time);
        Cells = new CellRepository(vault, Inbox, Relays, options);
        Pairwise = new PairwiseOutbox(this);
    }

    public Vault Vault { get; }

    /// <summary>
    /// With mix routing, the relay at <paramref name="address"/> reached through the mix of a layer of
    /// three or more pinned relays that holds it; null when no such layer does (then as configured).
    /// </summary>
    private HttpRelay? MixRelayAt(Uri address)
    {
        if (Options.Route != RelayRoute.Mix)
        {
            return null;
        }

        var target = HttpRelay.AddressOf(address);
        var layer = Layers.All().FirstOrDefault(l => l.Relays.Count >= 3 && l.Relays.Contains(target) && l.MixPins.All(p => p.Length == LayerRecord.MixPinLength));
        return layer is null ? null : new HttpRelay(target, new Relay.Mix.MixHandler(target, layer.Relays, layer.MixPins, Options));
    }

    public NodeOptions Options { get; }

    public RelayPool Relays { get; }

    public ContactRepository Contacts { get; }

    public LayerRepository Layers { get; }

    public InboxRepository Inbox { get; }

    public CellRepository Cells { get; }

    /// <summary>Pairwise messages on their way to contacts.</summary>
    public PairwiseOutbox Pairwise { get; }

    public long Now => Options.Time.GetUtcNow().ToUnixTimeSeconds();

    public void Dispose()
    {
        Cells.Dispose();
        Relays.Dispose();
        Vault.Dispose();
    }
}
