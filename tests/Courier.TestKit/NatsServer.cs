using System.Diagnostics;
using System.Globalization;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Courier.TestKit;

/// <summary>nats-server processes with JetStream on 127.0.0.1: one node, or a three-node cluster.</summary>
public sealed class NatsServer : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly Process?[] _nodes;
    private readonly string[] _configs;
    private readonly NatsTlsOpts? _clientTls;

    private NatsServer(int count, string? tlsBlock, NatsTlsOpts? clientTls)
    {
        _clientTls = clientTls;
        _nodes = new Process?[count];
        _configs = new string[count];
        ClientPorts = Enumerable.Range(0, count).Select(_ => RelayProcess.FreePort()).ToArray();
        var clusterPorts = Enumerable.Range(0, count).Select(_ => RelayProcess.FreePort()).ToArray();
        for (int i = 0; i < count; i++)
        {
            var store = Path.Combine(_dir.Path, $"n{i}");
            var config = $$"""
                server_name: n{{i}}
                listen: 127.0.0.1:{{ClientPorts[i]}}
                jetstream { store_dir: "{{store}}", max_memory_store: 64MB, max_file_store: 2GB }
                {{tlsBlock}}
                """;
            if (count > 1)
            {
                var routes = string.Join(", ", clusterPorts.Select(p => $"nats-route://127.0.0.1:{p}"));
                config += $$"""

                    cluster { name: courier, listen: 127.0.0.1:{{clusterPorts[i]}}, routes: [{{routes}}] }
                    """;
            }

            _configs[i] = Path.Combine(_dir.Path, $"n{i}.conf");
            File.WriteAllText(_configs[i], config);
        }
    }

    /// <summary>Why a test that needs nats-server is skipped without it (<see cref="NatsFactAttribute"/>, <see cref="NatsTheoryAttribute"/>).</summary>
    public const string MissingReason = "nats-server is not installed: run tools/test.sh, which installs the Debian package";

    /// <summary>The nats-server on PATH, or null.</summary>
    public static string? Binary { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(':', StringSplitOptions.RemoveEmptyEntries)
        .Concat(["/usr/sbin", "/usr/bin", "/usr/local/bin"])
        .Select(d => Path.Combine(d, "nats-server"))
        .FirstOrDefault(File.Exists);

    public int[] ClientPorts { get; }

    public string Urls => string.Join(",", ClientPorts.Select(p => string.Create(CultureInfo.InvariantCulture, $"nats://127.0.0.1:{p}")));

    /// <summary>Starts <paramref name="nodes"/> servers; with <paramref name="tlsBlock"/> (a <c>tls { ... }</c> block of nats-server's configuration) clients need TLS, and <paramref name="clientTls"/> is how this waits for JetStream.</summary>
    public static async Task<NatsServer> StartAsync(int nodes, string? tlsBlock = null, NatsTlsOpts? clientTls = null)
    {
        var server = new NatsServer(nodes, tlsBlock, clientTls);
        for (int i = 0; i < nodes; i++)
        {
            server.StartNode(i);
        }

        await server.WaitForJetStreamAsync();
        return server;
    }

    public void StartNode(int i)
    {
        var info = new ProcessStartInfo(Binary!, ["-c", _configs[i]]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var process = Process.Start(info)!;
        _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        _ = process.StandardError.BaseStream.CopyToAsync(Stream.Null);
        _nodes[i] = process;
    }

    /// <summary>SIGKILLs node <paramref name="i"/>.</summary>
    public void Kill(int i)
    {
        var node = _nodes[i];
        if (node is not null && !node.HasExited)
        {
            node.Kill();
            node.WaitForExit();
        }
    }

    public void Dispose()
    {
        for (int i = 0; i < _nodes.Length; i++)
        {
            Kill(i);
            _nodes[i]?.Dispose();
        }

        _dir.Dispose();
    }

    /// <summary>
    /// Waits until JetStream answers and, in a cluster, until a stream replicated on every node can be
    /// placed: a meta leader may be elected before it knows every peer, and a create with as many
    /// replicas as nodes then fails with "no suitable peers for placement" (seen under load).
    /// </summary>
    private async Task WaitForJetStreamAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(45);
        while (true)
        {
            try
            {
                await using var nats = new NatsConnection(NatsOpts.Default with { Url = Urls, TlsOpts = _clientTls ?? NatsOpts.Default.TlsOpts, ConnectTimeout = TimeSpan.FromSeconds(2), RequestTimeout = TimeSpan.FromSeconds(2) });
                await nats.ConnectAsync();
                var js = new NatsJSContext(nats);
                await js.GetAccountInfoAsync();
                if (_nodes.Length > 1)
                {
                    await js.CreateStreamAsync(new StreamConfig("courier-test-probe", ["courier-test-probe"]) { NumReplicas = _nodes.Length, Storage = StreamConfigStorage.Memory });
                    await js.DeleteStreamAsync("courier-test-probe");
                }

                return;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(250);
            }
        }
    }
}
