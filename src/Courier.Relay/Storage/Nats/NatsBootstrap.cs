using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using NATS.Client.KeyValueStore;

namespace Courier.Relay.Storage.Nats;

/// <summary>A connection to the cluster with the store's shard streams and key-value buckets in place.</summary>
internal sealed record NatsCluster(NatsConnection Connection, INatsJSContext JetStream, INatsJSStream[] Streams, NatsKeyValue KeyValue, INatsJSStream DropsBucket);

/// <summary>Connects to the cluster and creates the store's shard streams and key-value buckets if missing.</summary>
internal static class NatsBootstrap
{
    /// <summary>Connects to the cluster at <paramref name="urls"/> (comma-separated) and creates the streams and buckets if missing.</summary>
    public static async Task<NatsCluster> ConnectAsync(string urls, DropStoreOptions options, int replicas, NatsTlsOpts? tls, CancellationToken cancellationToken)
    {
        var nats = new NatsConnection(NatsOpts.Default with
        {
            Url = urls,
            TlsOpts = tls ?? NatsOpts.Default.TlsOpts,
            Name = "courier-relay",
            RequestTimeout = TimeSpan.FromSeconds(10),
            MaxReconnectRetry = -1,
        });
        try
        {
            await nats.ConnectAsync().ConfigureAwait(false);
            var js = new NatsJSContext(nats);
            var streams = await Task.WhenAll(Enumerable.Range(0, ShardLayout.ShardCount).Select(k => CreateShardAsync(js, k, options, replicas, cancellationToken))).ConfigureAwait(false);
            var kv = new NatsKVContext(js);
            var drops = await kv.CreateOrUpdateStoreAsync(new NatsKVConfig("courier_drops") { NumberOfReplicas = replicas, History = 1, Storage = NatsKVStorageType.File }, cancellationToken).ConfigureAwait(false);
            var nameplates = await kv.CreateOrUpdateStoreAsync(new NatsKVConfig("courier_nameplates") { NumberOfReplicas = replicas, History = 1, Storage = NatsKVStorageType.File, MaxAge = TimeSpan.FromHours(2) }, cancellationToken).ConfigureAwait(false);
            var nonces = await kv.CreateOrUpdateStoreAsync(new NatsKVConfig("courier_nonces") { NumberOfReplicas = replicas, History = 1, Storage = NatsKVStorageType.File, MaxAge = TimeSpan.FromMinutes(5) }, cancellationToken).ConfigureAwait(false);
            // The bucket's own stream, which the idle sweep reads from the front (IdleDrops).
            var dropsBucket = await js.GetStreamAsync("KV_courier_drops", cancellationToken: cancellationToken).ConfigureAwait(false);
            return new NatsCluster(nats, js, streams, new NatsKeyValue(drops, dropsBucket, nameplates, nonces, options.Time), dropsBucket);
        }
        catch
        {
            await nats.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<INatsJSStream> CreateShardAsync(INatsJSContext js, int k, DropStoreOptions options, int replicas, CancellationToken cancellationToken)
    {
        var stream = await js.CreateOrUpdateStreamAsync(
            new StreamConfig(ShardLayout.StreamName(k), [ShardLayout.Subjects(k)])
            {
                Storage = StreamConfigStorage.File,
                NumReplicas = replicas,
                MaxAge = options.Retention,
                DuplicateWindow = options.DedupeWindow,
                Discard = StreamConfigDiscard.Old,
            },
            cancellationToken).ConfigureAwait(false);
        if (stream.Info.State.LastSeq == 0)
        {
            // An expected last sequence of 0 is no check at all, so no shard may stay empty.
            var init = await js.PublishAsync(ShardLayout.InitSubject(k), Array.Empty<byte>(), opts: new NatsJSPubOpts { MsgId = "init" }, cancellationToken: cancellationToken).ConfigureAwait(false);
            init.EnsureSuccess();
        }

        return stream;
    }
}
