using System.CommandLine;
using System.CommandLine.Parsing;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Courier.Relay;
using Courier.Relay.Mix;
using Courier.Relay.Storage;
using Courier.Relay.Storage.Nats;
using Courier.Relay.Storage.Sqlite;
using NATS.Client.Core;

namespace Courier.Cli.Commands;

/// <summary><c>courier relay ...</c>: running a relay.</summary>
internal static class RelayCommand
{
    public static Command Create()
    {
        var relay = new Command("relay", "Run a Courier relay: a store-and-forward server for dead drops (see docs/relay-api.md).");
        relay.Subcommands.Add(CreateServe());
        relay.Subcommands.Add(RelayImportCommand.Create());
        relay.Subcommands.Add(RelayExportCommand.Create());
        return relay;
    }

    private static Command CreateServe()
    {
        var listen = new Option<IPEndPoint>("--listen")
        {
            Description = "Address and port to listen on (port 0 picks a free port).",
            DefaultValueFactory = _ => new IPEndPoint(IPAddress.Loopback, 7700),
            CustomParser = ParseEndPoint,
            HelpName = "ip:port",
        };
        var store = new Option<string>("--store")
        {
            Description = "Where envelopes are kept: sqlite (embedded, in --data) or nats (a JetStream cluster, --nats).",
            DefaultValueFactory = _ => "sqlite",
        };
        store.AcceptOnlyFromAmong("sqlite", "nats");
        var data = new Option<DirectoryInfo?>("--data")
        {
            Description = "The relay's directory (created if missing): the SQLite store, and the self-signed TLS certificate. Required with --store sqlite.",
            HelpName = "dir",
        };
        var nats = new Option<string?>("--nats")
        {
            Description = "Comma-separated NATS server URLs of the JetStream cluster. Required with --store nats.",
            HelpName = "url[,url...]",
        };
        var replicas = new Option<int>("--replicas")
        {
            Description = "JetStream replicas of the relay's stream and buckets (3 for durability across a node loss).",
            DefaultValueFactory = _ => 3,
        };
        var singleReplica = new Option<bool>("--allow-single-replica")
        {
            Description = "Accept --replicas 1 with --store nats: every envelope then lives on one NATS node, and losing that node loses acknowledged envelopes.",
        };
        var retention = new Option<double>("--retention-days")
        {
            Description = "Envelopes older than this are deleted, fetched or not; a drop left without envelopes and unused (no append, fetch or trim) this long is deleted with its read key.",
            DefaultValueFactory = _ => 7,
        };
        var maxEnvelopes = new Option<int>("--max-envelopes")
        {
            Description = "The most envelopes one drop holds before appends are refused (409 drop_full).",
            DefaultValueFactory = _ => 10_000,
        };
        var rate = new Option<int>("--rate-limit")
        {
            Description = "Requests per second allowed per client address; 0 for no limit.",
            DefaultValueFactory = _ => 2_000,
        };
        var nameplateRate = new Option<int>("--nameplate-rate")
        {
            Description = "Nameplate allocations allowed per client address per minute, and as many joins.",
            DefaultValueFactory = _ => 10,
        };
        var connectionLog = new Option<FileInfo?>("--test-connection-log")
        {
            Description = "Tests only: append the remote and local address of every connection to this file. It records who talks to the relay; never use it in service.",
            HelpName = "file",
        };
        var mixPeers = new Option<Uri[]>("--mix-peer")
        {
            Description = "Another relay of the layer this relay mixes with (its address, with #sha256=<pin> over HTTPS); repeat for each. Packets are forwarded only to these.",
            HelpName = "url",
            CustomParser = result => result.Tokens.Select(t => ParsePeer(result, t.Value)).OfType<Uri>().ToArray(),
        };
        var mixEpoch = new Option<int>("--mix-epoch-seconds")
        {
            Description = "How long one mix key serves (the current and next are published; the previous unwraps for a grace period of a twelfth of this).",
            DefaultValueFactory = _ => 3600,
        };
        var limits = new RelayLimitOptions();

        var tls = new TlsOptions();
        var serve = new Command("serve", "Serve the relay API until stopped (SIGTERM or Ctrl+C). HTTPS unless listening on loopback (docs/tls.md). Prints the address to give nodes, then 'listening on <url>' once ready; logs are JSON lines and never name a drop.")
        {
            listen, store, data, nats, replicas, singleReplica, retention, maxEnvelopes, rate, nameplateRate, connectionLog, mixPeers, mixEpoch,
        };
        limits.AddTo(serve);
        tls.AddTo(serve);
        serve.SetAction(async (parse, cancellationToken) =>
        {
            var problem = Validate(parse.GetValue(store), parse.GetValue(data), parse.GetValue(nats), parse.GetValue(retention), parse.GetValue(maxEnvelopes), parse.GetValue(rate), parse.GetValue(nameplateRate), parse.GetValue(replicas))
                          ?? limits.Validate(parse)
                          ?? tls.Validate(parse, parse.GetValue(listen)!, parse.GetValue(data))
                          ?? ValidateReplicas(parse.GetValue(store), parse.GetValue(replicas), parse.GetValue(singleReplica))
                          ?? (parse.GetValue(mixEpoch) < 1 ? "--mix-epoch-seconds must be positive." : null);
            if (problem is not null)
            {
                await Console.Error.WriteLineAsync("error: " + problem).ConfigureAwait(false);
                return 2;
            }

            X509Certificate2? certificate;
            try
            {
                certificate = tls.Certificate(parse, parse.GetValue(listen)!, parse.GetValue(data));
            }
            catch (ArgumentException e)
            {
                await Console.Error.WriteLineAsync("error: " + e.Message).ConfigureAwait(false);
                return 2;
            }

            // Enough pool threads that a burst of requests (long-polls included) does not wait for the pool to grow.
            ThreadPool.GetMinThreads(out int workers, out int io);
            ThreadPool.SetMinThreads(Math.Max(workers, 64), Math.Max(io, 64));
            var retained = TimeSpan.FromDays(parse.GetValue(retention));

            // JetStream refuses a duplicate window longer than the streams' max age (a retention of seconds, in tests).
            var storeOptions = new DropStoreOptions { Retention = retained, DedupeWindow = retained < new DropStoreOptions().DedupeWindow ? retained : new DropStoreOptions().DedupeWindow };
            IDropStore dropStore = parse.GetValue(store) == "nats"
                ? await NatsDropStore.ConnectAsync(parse.GetValue(nats)!, storeOptions, parse.GetValue(replicas), cancellationToken, tls.Nats(parse)).ConfigureAwait(false)
                : SqliteDropStore.Open(parse.GetValue(data)!.FullName, storeOptions);
            // A retention shorter than 4 minutes (tests) is swept at an eighth of it, so nothing outlives it by much more.
            var sweep = TimeSpan.FromTicks(Math.Min(retained.Ticks / 8, RelayOptions.DefaultSweepInterval.Ticks));
            var options = new RelayOptions
            {
                Listen = parse.GetValue(listen)!,
                MaxEnvelopesPerDrop = parse.GetValue(maxEnvelopes),
                RequestsPerSecondPerClient = parse.GetValue(rate),
                NameplateAllocationsPerMinute = parse.GetValue(nameplateRate),
                Certificate = certificate,
                AllowInsecureHttp = parse.GetValue(tls.InsecureHttp),
                TrustedProxies = parse.GetValue(tls.TrustedProxies) ?? [],
                MaxConnections = parse.GetValue(limits.MaxConnections),
                MaxConnectionsPerClient = parse.GetValue(limits.MaxConnectionsPerAddress),
                MinBodyBytesPerSecond = parse.GetValue(limits.MinBodyRate),
                MaxLongPolls = parse.GetValue(limits.MaxLongPolls),
                MaxLongPollsPerClient = parse.GetValue(limits.MaxLongPollsPerAddress),
                DropCreationsPerMinute = parse.GetValue(limits.DropRate),
                RequestsInProgressPerClient = parse.GetValue(limits.MaxRequestsInProgressPerAddress),
                TestConnectionLog = parse.GetValue(connectionLog)?.FullName,
                SweepInterval = sweep,
                BundleMaxAge = retained,
                // The mix keeps its keys and replay tags in --data; a relay without one does not mix.
                Mix = parse.GetValue(data) is { } directory
                    ? new MixOptions
                    {
                        DataDirectory = directory.FullName,
                        EpochLength = TimeSpan.FromSeconds(parse.GetValue(mixEpoch)),
                        Grace = TimeSpan.FromSeconds(parse.GetValue(mixEpoch)) / 12,
                        Peers = parse.GetValue(mixPeers) ?? [],
                    }
                    : null,
            };
            if (options.TestConnectionLog is { } log)
            {
                await Console.Error.WriteLineAsync($"warning: every connection's addresses go to {log} (--test-connection-log, for tests only)").ConfigureAwait(false);
            }

            var host = await RelayHost.StartAsync(options, dropStore, cancellationToken: cancellationToken).ConfigureAwait(false);
            await using (host.ConfigureAwait(false))
            {
                await TlsOptions.PrintAsync(host, options).ConfigureAwait(false);
                if (host.MixIdentityKey is { } identity)
                {
                    await Console.Out.WriteLineAsync($"mix identity key: {System.Buffers.Text.Base64Url.EncodeToString(identity)}").ConfigureAwait(false);
                }

                await Console.Out.WriteLineAsync($"listening on {host.Address}").ConfigureAwait(false);
                await Console.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
                await host.WaitForShutdownAsync(CancellationToken.None).ConfigureAwait(false);
            }

            return 0;
        });
        return serve;
    }

    private static string? Validate(string? kind, DirectoryInfo? data, string? nats, double retention, int maxEnvelopes, int rate, int nameplateRate, int replicas)
    {
        if (kind == "sqlite" && data is null)
        {
            return "--data <dir> is required with --store sqlite.";
        }

        if (kind == "nats" && string.IsNullOrWhiteSpace(nats))
        {
            return "--nats <url[,url...]> is required with --store nats.";
        }

        if (retention <= 0 || maxEnvelopes <= 0 || rate < 0 || nameplateRate <= 0 || replicas is < 1 or > 5)
        {
            return "--retention-days, --max-envelopes and --nameplate-rate must be positive, --rate-limit not negative, --replicas 1 to 5.";
        }

        return null;
    }

    /// <summary>A cluster store with one replica is not durable across the loss of a node, so it takes an explicit flag.</summary>
    private static string? ValidateReplicas(string? kind, int replicas, bool allowSingle)
        => kind == "nats" && replicas == 1 && !allowSingle
            ? "--replicas 1 keeps every envelope on a single NATS node: losing that node loses acknowledged envelopes. Use --replicas 3, or pass --allow-single-replica to accept this."
            : null;

    private static Uri? ParsePeer(ArgumentResult result, string text)
    {
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
        {
            return uri;
        }

        result.AddError($"--mix-peer wants a relay's address, such as https://relay.example:7700/#sha256=<pin> (got '{text}').");
        return null;
    }

    private static IPEndPoint? ParseEndPoint(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
        if (IPEndPoint.TryParse(text, out var endPoint) && text.Contains(':', StringComparison.Ordinal))
        {
            return endPoint;
        }

        result.AddError($"--listen wants ip:port, such as 127.0.0.1:7700 (got '{text}').");
        return null;
    }
}
