using Grpc.Core;
using Grpc.Net.Client;

namespace Courier.Mls.InteropRunner;

/// <summary>One MLSClient server: its connection, its name and the ciphersuites it supports.</summary>
internal sealed class InteropClient : IDisposable
{
    private readonly GrpcChannel channel;
    private readonly TimeSpan callTimeout;

    private InteropClient(int index, string address, GrpcChannel channel, TimeSpan callTimeout)
    {
        Label = $"client{index}";
        Address = address;
        this.channel = channel;
        this.callTimeout = callTimeout;
        Rpc = new MlsClient.MLSClient.MLSClientClient(channel);
    }

    /// <summary>"client0", "client1", ... in the order of --client.</summary>
    public string Label { get; }

    public string Address { get; }

    public string Name { get; private set; } = "";

    public IReadOnlySet<uint> Suites { get; private set; } = new HashSet<uint>();

    public MlsClient.MLSClient.MLSClientClient Rpc { get; }

    /// <summary>
    /// Connects to <paramref name="address"/> (host:port, plaintext HTTP/2) and asks Name and
    /// SupportedCiphersuites, retrying while the server is not yet reachable.
    /// </summary>
    public static async Task<InteropClient> ConnectAsync(int index, string address, TimeSpan callTimeout, TimeSpan connectTimeout)
    {
        var uri = address.Contains("://", StringComparison.Ordinal) ? address : $"http://{address}";
        var channel = GrpcChannel.ForAddress(uri, new GrpcChannelOptions
        {
            MaxReceiveMessageSize = 64 * 1024 * 1024,
            MaxSendMessageSize = 64 * 1024 * 1024,
        });
        var client = new InteropClient(index, address, channel, callTimeout);
        try
        {
            var giveUp = DateTime.UtcNow + connectTimeout;
            while (true)
            {
                try
                {
                    var name = await client.Rpc.NameAsync(new MlsClient.NameRequest(), client.Options());
                    var suites = await client.Rpc.SupportedCiphersuitesAsync(new MlsClient.SupportedCiphersuitesRequest(), client.Options());
                    client.Name = name.Name;
                    client.Suites = suites.Ciphersuites.ToHashSet();
                    return client;
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && DateTime.UtcNow < giveUp)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200));
                }
            }
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Makes one RPC with the per-call deadline; a non-OK status becomes a <see cref="ClientCallException"/>.</summary>
    public async Task<T> CallAsync<T>(string rpc, string actor, Func<MlsClient.MLSClient.MLSClientClient, CallOptions, AsyncUnaryCall<T>> call)
    {
        try
        {
            return await call(Rpc, Options());
        }
        catch (RpcException e)
        {
            throw new ClientCallException(this, rpc, actor, e.Status);
        }
    }

    public void Dispose() => channel.Dispose();

    private CallOptions Options() => new(deadline: DateTime.UtcNow + callTimeout);
}
