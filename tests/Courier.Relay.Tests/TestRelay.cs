using System.Net;
using Courier.Relay.Client;
using Courier.Relay.Storage;
using Courier.Relay.Storage.Sqlite;
using Microsoft.Extensions.Logging;

namespace Courier.Relay.Tests;

/// <summary>An in-process relay on 127.0.0.1 with a real Kestrel and a SQLite (or given) store.</summary>
internal sealed class TestRelay : IAsyncDisposable
{
    private readonly TempDirectory _dir = new();

    private TestRelay()
    {
    }

    public RelayHost Host { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public RelayClient Client { get; private set; } = null!;

    public CapturingLoggerProvider Logs { get; } = new();

    /// <summary>The relay's directory (its SQLite store, unless another store was given).</summary>
    public string DataPath => _dir.Path;

    public static async Task<TestRelay> StartAsync(Func<string, IDropStore>? store = null, TimeProvider? time = null, Func<RelayOptions, RelayOptions>? configure = null)
    {
        var relay = new TestRelay();
        time ??= TimeProvider.System;
        var options = new RelayOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0), Time = time, RequestsPerSecondPerClient = 0, NameplateAllocationsPerMinute = 1000, DropCreationsPerMinute = 0 };
        options = configure?.Invoke(options) ?? options;
        var dropStore = store?.Invoke(relay._dir.Path) ?? SqliteDropStore.Open(relay._dir.Path, new DropStoreOptions { Time = time });
        relay.Host = await RelayHost.StartAsync(options, dropStore, logging => logging.AddProvider(relay.Logs).SetMinimumLevel(LogLevel.Trace));
        relay.Http = new HttpClient { BaseAddress = relay.Host.Address, Timeout = TimeSpan.FromSeconds(90) };
        relay.Client = new RelayClient(relay.Http, time);
        return relay;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Host.DisposeAsync();
        _dir.Dispose();
    }
}
