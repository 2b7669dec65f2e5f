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
        Relays = new RelayPool(address => MixRelayAt(address) ?? options.Relays(address), RouteTo);
        Contacts = new ContactRepository(vault);
        Layers = new LayerRepository(vault);
        Inbox = new InboxRepository(vault, options.Time);
        Cells = new CellRepository(vault, Inbox, Relays, options);
        Pairwise = new PairwiseOutbox(this);
        Cover = options.CoverRate > 0 && options.Route == RelayRoute.Mix ? new Relay.Mix.CoverTraffic(options, Layers.All()) : null;
    }

    /// <summary>Cover traffic, when <see cref="NodeOptions.CoverRate"/> is above zero.</summary>
    public Relay.Mix.CoverTraffic? Cover { get; }

    public Vault Vault { get; }

    /// <summary>
    /// With mix routing, the relay at <paramref name="address"/> reached through the mix of a layer of
    /// three or more pinned relays that holds it; null when no such layer does (then as configured).
    /// </summary>
    private HttpRelay? MixRelayAt(Uri address)
    {
        var target = HttpRelay.AddressOf(address);
        var layer = MixLayerOf(target);
        return layer is null ? null : new HttpRelay(target, new Relay.Mix.MixHandler(target, layer.Relays, layer.MixPins, Options));
    }

    /// <summary>With mix routing, the first layer of three or more pinned relays that holds <paramref name="target"/>.</summary>
    private LayerRecord? MixLayerOf(string target)
        => Options.Route == RelayRoute.Mix ? Layers.All().FirstOrDefault(l => Relay.Mix.MixRoute.Qualifies(l) && l.Relays.Contains(target)) : null;

    /// <summary>How <paramref name="target"/> is reached now: directly, or through a layer's relays and pins.</summary>
    private string RouteTo(string target)
        => MixLayerOf(target) is { } layer ? $"mix {string.Join(',', layer.Relays)} {string.Join(',', layer.MixPins.Select(Convert.ToHexString))}" : "direct";

    public NodeOptions Options { get; }

    public RelayPool Relays { get; }

    public ContactRepository Contacts { get; }

    public LayerRepository Layers { get; }

    public InboxRepository Inbox { get; }

    public CellRepository Cells { get; }

    /// <summary>Pairwise messages on their way to contacts.</summary>
    public PairwiseOutbox Pairwise { get; }

    public long Now => Options.Time.GetUtcNow().ToUnixTimeSeconds();

    /// <summary>
    /// The ciphersuite of the KeyPackages this node gives contacts on the relay at
    /// <paramref name="relay"/> (its address as <see cref="IRelay.Address"/> gives it): the post-quantum suite when a layer of this node that requires it
    /// uses that relay (its cells will take only KeyPackages of that suite), else <see cref="NodeOptions.CipherSuite"/>
    /// (docs/cells.md, "Post-quantum cells").
    /// </summary>
    public Mls.Crypto.CipherSuiteId SuiteFor(string relay)
        => Layers.All().Any(l => l.RequirePostQuantum && l.Relays.Contains(relay)) ? PairwiseIdentity.PostQuantumSuite : Options.CipherSuite;

    public void Dispose()
    {
        Cover?.Dispose();
        Cells.Dispose();
        Relays.Dispose();
        Vault.Dispose();
    }
}
