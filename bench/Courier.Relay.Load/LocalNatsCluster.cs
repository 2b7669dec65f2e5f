using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace Courier.Relay.Load;

/// <summary>Three nats-server processes forming a JetStream cluster on 127.0.0.1, in a temporary directory.</summary>
internal sealed class LocalNatsCluster : IDisposable
{
    private readonly List<Process> _nodes = [];
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "courier-load-nats-" + Guid.NewGuid().ToString("N"));

    public string Urls { get; private set; } = "";

    public static string? Binary => new[] { "/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server" }.FirstOrDefault(File.Exists);

    public static async Task<LocalNatsCluster> StartAsync()
    {
        var cluster = new LocalNatsCluster();
        Directory.CreateDirectory(cluster._dir);
        var clientPorts = Enumerable.Range(0, 3).Select(_ => FreePort()).ToArray();
        var routePorts = Enumerable.Range(0, 3).Select(_ => FreePort()).ToArray();
        var routes = string.Join(", ", routePorts.Select(p => $"nats-route://127.0.0.1:{p}"));
        for (int i = 0; i < 3; i++)
        {
            var config = Path.Combine(cluster._dir, $"n{i}.conf");
            File.WriteAllText(config, $$"""
                server_name: n{{i}}
                listen: 127.0.0.1:{{clientPorts[i]}}
                jetstream { store_dir: "{{Path.Combine(cluster._dir, $"n{i}")}}", max_memory_store: 64MB, max_file_store: 8GB }
                cluster { name: courier, listen: 127.0.0.1:{{routePorts[i]}}, routes: [{{routes}}] }
                """);
            var process = Process.Start(new ProcessStartInfo(Binary!, ["-c", config]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
            _ = process.StandardError.BaseStream.CopyToAsync(Stream.Null);
            cluster._nodes.Add(process);
        }

        cluster.Urls = string.Join(",", clientPorts.Select(p => $"nats://127.0.0.1:{p}"));
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                await using var nats = new NatsConnection(NatsOpts.Default with { Url = cluster.Urls });
                await nats.ConnectAsync();
                await new NatsJSContext(nats).GetAccountInfoAsync();
                return cluster;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(250);
            }
        }
    }

    public void Dispose()
    {
        foreach (var node in _nodes)
        {
            if (!node.HasExited)
            {
                node.Kill();
                node.WaitForExit();
            }

            node.Dispose();
        }

        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the OS cleans the temporary directory.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
