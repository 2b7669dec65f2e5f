using Grpc.Core;

namespace Courier.Mls.InteropRunner;

/// <summary>An RPC to a client ended with a status other than OK (or did not end before its deadline).</summary>
internal sealed class ClientCallException(InteropClient client, string rpc, string actor, Status status)
    : Exception($"{client.Label} {rpc} for {actor}: {status.StatusCode}: {status.Detail}")
{
    public InteropClient Client { get; } = client;

    public string Rpc { get; } = rpc;

    public Status Status { get; } = status;

    /// <summary>The client does not support what was asked: a skip, not a failure.</summary>
    public bool Unimplemented => Status.StatusCode == StatusCode.Unimplemented;
}
