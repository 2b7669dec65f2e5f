namespace Courier.Mix;

/// <summary>
/// One hop of a path (Sphinx spec §5 PathHop): the node's id and routing public key, and what the sender
/// asks of it. The builder adds NextNodeHop itself; <see cref="Recipient"/> and <see cref="SurbId"/> belong
/// to the last hop only.
/// </summary>
public sealed class PathHop
{
    /// <summary>A hop; each array is copied and its length checked.</summary>
    public PathHop(byte[] id, byte[] publicKey, uint? delay = null, byte[]? recipient = null, byte[]? surbId = null)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(publicKey);
        if (id.Length != SphinxGeometry.NodeIdLength || publicKey.Length != MixPrivateKey.Length)
        {
            throw new ArgumentException($"A node id and a mix public key are {SphinxGeometry.NodeIdLength} and {MixPrivateKey.Length} bytes.");
        }

        Id = id.ToArray();
        PublicKey = publicKey.ToArray();
        Delay = delay;
        Recipient = recipient?.ToArray();
        SurbId = surbId?.ToArray();

        // Checks the lengths, and that the last hop's commands fit.
        _ = Commands(nextHopId: null, nextHopMac: null);
    }

    /// <summary>The node's identifier, written in the previous hop's NextNodeHop.</summary>
    public byte[] Id { get; }

    /// <summary>The node's X25519 routing public key for the epoch of the packet.</summary>
    public byte[] PublicKey { get; }

    /// <summary>NodeDelay for this hop, when the sender sets one.</summary>
    public uint? Delay { get; }

    /// <summary>Recipient, at the last hop.</summary>
    public byte[]? Recipient { get; }

    /// <summary>SURBReply, at the last hop of a SURB's path.</summary>
    public byte[]? SurbId { get; }

    internal RoutingCommands Commands(byte[]? nextHopId, byte[]? nextHopMac) => RoutingCommands.Create(nextHopId, nextHopMac, Delay, Recipient, SurbId);
}
