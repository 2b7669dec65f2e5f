using System.Net;
using Courier.Node;
using Courier.Node.Relay;
using Courier.Relay.Mix;
using Courier.TestKit;

namespace Courier.Relay.Tests.Bundles;

/// <summary>
/// Two layers, "north" and "south", each one in-process relay with an identity key that the layer
/// pins; member "A" is in cell "n" (north, with B) and cell "s" (south, with C), and can be cut off;
/// B's drop calls can be moved to another relay.
/// </summary>
internal sealed class BundleRelayFixture : IAsyncDisposable
{
    private readonly List<TempDirectory> _dirs = [];
    private readonly TestNodes _nodes = new();

    private BundleRelayFixture()
    {
    }

    public TestRelay North { get; private set; } = null!;

    public TestRelay South { get; private set; } = null!;

    public SwitchedRelay.Switch CutA { get; } = new();

    /// <summary>Where B's drop calls go, and the drops B fetched.</summary>
    public SwitchedRelay.Switch MoveB { get; } = new();

    /// <summary>The drops C fetched.</summary>
    public SwitchedRelay.Switch MoveC { get; } = new();

    public CourierNode A { get; private set; } = null!;

    public CourierNode B { get; private set; } = null!;

    public CourierNode C { get; private set; } = null!;

    public static async Task<BundleRelayFixture> StartAsync()
    {
        var f = new BundleRelayFixture();
        f.North = await TestRelay.StartAsync(configure: f.WithIdentity);
        f.South = await TestRelay.StartAsync(configure: f.WithIdentity);
        f.A = f._nodes.Create(Options(address => new SwitchedRelay(new HttpRelay(address), f.CutA)));
        f.B = f._nodes.Create(Options(address => new SwitchedRelay(new HttpRelay(address), f.MoveB)));
        f.C = f._nodes.Create(Options(address => new SwitchedRelay(new HttpRelay(address), f.MoveC)));
        await TestNodes.ContactAsync(f.North.Host.Address, f.A, f.B, "Bea");
        await TestNodes.ContactAsync(f.South.Host.Address, f.A, f.C, "Cyril");
        f.A.CreateLayer("north", [f.North.Host.Address], mixPins: [f.North.Host.MixIdentityKey!]);
        f.A.CreateLayer("south", [f.South.Host.Address], mixPins: [f.South.Host.MixIdentityKey!]);
        await f.A.CreateCellAsync("n", "north");
        await f.A.AddToCellAsync("n", ["Bea"]);
        await f.A.CreateCellAsync("s", "south");
        await f.A.AddToCellAsync("s", ["Cyril"]);
        await f.B.SyncAsync();
        await f.C.SyncAsync();
        return f;
    }

    public async ValueTask DisposeAsync()
    {
        _nodes.Dispose();
        await North.DisposeAsync();
        await South.DisposeAsync();
        _dirs.ForEach(d => d.Dispose());
    }

    private static NodeOptions Options(Func<Uri, IRelay> relays) => new()
    {
        Kdf = TempHome.FastKdf,
        FirstContactTimeout = TimeSpan.FromSeconds(20),
        RelayRetry = TimeSpan.FromMilliseconds(50),
        Relays = relays,
    };

    private RelayOptions WithIdentity(RelayOptions o)
    {
        var dir = new TempDirectory();
        _dirs.Add(dir);
        return new RelayOptions
        {
            Listen = new IPEndPoint(IPAddress.Loopback, 0),
            Time = o.Time,
            RequestsPerSecondPerClient = 0,
            NameplateAllocationsPerMinute = 1000,
            DropCreationsPerMinute = 0,
            Mix = new MixOptions { DataDirectory = dir.Path },
        };
    }
}
