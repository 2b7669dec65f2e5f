using System.Globalization;

namespace Courier.EndToEnd.Tests;

/// <summary>Tests against a relay process that keeps envelopes for seconds (so retention happens within a test), with the SQLite or the NATS store.</summary>
public abstract class ShortRetentionTests : IDisposable
{
    /// <summary>Long enough for a test's setup (first contacts, a cell of three) to finish inside it.</summary>
    protected static readonly TimeSpan Retention = TimeSpan.FromSeconds(15);

    private readonly string _relayData = Directory.CreateTempSubdirectory("courier-retention-").FullName;

    protected TestNodes Nodes { get; } = new();

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Runs <paramref name="test"/> against a relay process with the retention of <see cref="Retention"/>, on SQLite or on a NATS server of its own.</summary>
    protected async Task WithRelayAsync(bool nats, Func<RelayProcess, Task> test)
    {
        using var server = nats ? await NatsServer.StartAsync(1) : null;
        using var relay = await RelayProcess.StartAsync([.. server is null ? ["--data", _relayData] : Store(server), "--listen", $"127.0.0.1:{RelayProcess.FreePort()}", .. RetentionArguments]);
        await test(relay);
    }

    /// <summary>As <see cref="WithRelayAsync"/>, with a layer of three mixing relays and a contact relay outside it (each on SQLite, or all on one NATS server).</summary>
    protected async Task WithMixLayerAsync(bool nats, Func<MixLayer, Task> test)
    {
        using var server = nats ? await NatsServer.StartAsync(1) : null;
        using var layer = await MixLayer.StartAsync([.. Store(server), .. RetentionArguments], contactRelay: true);
        await test(layer);
    }

    private static string[] RetentionArguments => ["--retention-days", (Retention.TotalSeconds / 86_400).ToString("R", CultureInfo.InvariantCulture), "--rate-limit", "0", "--drop-rate", "0"];

    /// <summary>The NATS store on <paramref name="server"/>; none (SQLite in the relay's --data) without.</summary>
    private static string[] Store(NatsServer? server) => server is null ? [] : ["--store", "nats", "--nats", server.Urls, "--replicas", "1", "--allow-single-replica"];

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Nodes.Dispose();
            Directory.Delete(_relayData, recursive: true);
        }
    }
}
