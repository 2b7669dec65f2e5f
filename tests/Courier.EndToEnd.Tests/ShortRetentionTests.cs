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
        string[] store = server is null ? ["--data", _relayData] : ["--store", "nats", "--nats", server.Urls, "--replicas", "1", "--allow-single-replica"];
        var days = (Retention.TotalSeconds / 86_400).ToString("R", CultureInfo.InvariantCulture);
        using var relay = await RelayProcess.StartAsync([.. store, "--listen", $"127.0.0.1:{RelayProcess.FreePort()}", "--retention-days", days, "--rate-limit", "0", "--drop-rate", "0"]);
        await test(relay);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Nodes.Dispose();
            Directory.Delete(_relayData, recursive: true);
        }
    }
}
