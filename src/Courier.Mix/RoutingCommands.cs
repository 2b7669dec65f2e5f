using System.Buffers.Binary;

namespace Courier.Mix;

/// <summary>
/// The routing commands of one hop (Sphinx spec §4.1.1), encoded in
/// <see cref="SphinxGeometry.PerHopRoutingInfoLength"/> bytes: a sequence of commands ended by the null
/// command 0x00 and zero padding. NextNodeHop 0x01 (id[32] | mac[32]), Recipient 0x02 (id[32]), SURBReply
/// 0x03 (id[16]), NodeDelay 0x80 (big-endian uint32, Katzenpost's extension). Each at most once, written in
/// the order NodeDelay, NextNodeHop, Recipient, SURBReply.
/// </summary>
public sealed class RoutingCommands
{
    internal const byte Null = 0x00;
    internal const byte NextNodeHop = 0x01;
    internal const byte RecipientCommand = 0x02;
    internal const byte SurbReply = 0x03;
    internal const byte NodeDelay = 0x80;

    private RoutingCommands(byte[]? nextHopId, byte[]? nextHopMac, uint? delay, byte[]? recipient, byte[]? surbId)
    {
        NextHopId = nextHopId;
        NextHopMac = nextHopMac;
        Delay = delay;
        Recipient = recipient;
        SurbId = surbId;
    }

    /// <summary>NextNodeHop: the node to forward to, or null at the last hop.</summary>
    public byte[]? NextHopId { get; }

    /// <summary>NextNodeHop: the next hop's header MAC.</summary>
    public byte[]? NextHopMac { get; }

    /// <summary>NodeDelay: how long the sender asks this hop to hold the packet (the unit is the caller's).</summary>
    public uint? Delay { get; }

    /// <summary>Recipient: who the payload is for at the last hop.</summary>
    public byte[]? Recipient { get; }

    /// <summary>SURBReply: the payload is a reply for the SURB with this id; the last hop does not check its tag.</summary>
    public byte[]? SurbId { get; }

    /// <summary>True when the packet ends here (no NextNodeHop).</summary>
    public bool IsLastHop => NextHopId is null;

    private int EncodedLength =>
        (NextHopId is null ? 0 : 1 + SphinxGeometry.NodeIdLength + SphinxGeometry.MacLength)
        + (Delay is null ? 0 : 1 + sizeof(uint))
        + (Recipient is null ? 0 : 1 + SphinxGeometry.RecipientIdLength)
        + (SurbId is null ? 0 : 1 + SphinxGeometry.SurbIdLength);

    /// <summary>Commands with the given parts, each array copied and its length checked, that fit one hop.</summary>
    internal static RoutingCommands Create(byte[]? nextHopId = null, byte[]? nextHopMac = null, uint? delay = null, byte[]? recipient = null, byte[]? surbId = null)
    {
        if ((nextHopId is null) != (nextHopMac is null))
        {
            throw new ArgumentException("NextNodeHop needs both the next hop's id and its MAC.");
        }

        var commands = new RoutingCommands(
            Checked(nextHopId, SphinxGeometry.NodeIdLength, "A node id"),
            Checked(nextHopMac, SphinxGeometry.MacLength, "A header MAC"),
            delay,
            Checked(recipient, SphinxGeometry.RecipientIdLength, "A recipient id"),
            Checked(surbId, SphinxGeometry.SurbIdLength, "A SURB id"));
        if (commands.EncodedLength > SphinxGeometry.PerHopRoutingInfoLength)
        {
            throw new ArgumentException($"These commands take {commands.EncodedLength} bytes; a hop has {SphinxGeometry.PerHopRoutingInfoLength}.");
        }

        return commands;
    }

    /// <summary>Writes the commands and zero padding into exactly one hop's routing information.</summary>
    internal void Encode(Span<byte> block)
    {
        if (block.Length != SphinxGeometry.PerHopRoutingInfoLength)
        {
            throw new ArgumentException($"A hop's routing information is {SphinxGeometry.PerHopRoutingInfoLength} bytes.", nameof(block));
        }

        block.Clear();
        var at = 0;
        // Katzenpost's order (its vectors): the sender's commands first, NextNodeHop after them.
        if (Delay is { } delay)
        {
            block[at++] = NodeDelay;
            BinaryPrimitives.WriteUInt32BigEndian(block[at..], delay);
            at += sizeof(uint);
        }

        if (NextHopId is not null)
        {
            block[at++] = NextNodeHop;
            NextHopId.CopyTo(block[at..]);
            NextHopMac!.CopyTo(block[(at + SphinxGeometry.NodeIdLength)..]);
            at += SphinxGeometry.NodeIdLength + SphinxGeometry.MacLength;
        }

        if (Recipient is not null)
        {
            block[at++] = RecipientCommand;
            Recipient.CopyTo(block[at..]);
            at += SphinxGeometry.RecipientIdLength;
        }

        if (SurbId is not null)
        {
            block[at++] = SurbReply;
            SurbId.CopyTo(block[at..]);
        }
    }

    /// <summary>Reads one hop's routing information (§6.1 step 5); anything but well-formed commands is refused.</summary>
    internal static RoutingCommands Decode(ReadOnlySpan<byte> block)
    {
        byte[]? nextHopId = null, nextHopMac = null, recipient = null, surbId = null;
        uint? delay = null;
        var at = 0;
        while (at < block.Length && block[at] != Null)
        {
            var type = block[at++];
            var rest = block[at..];
            switch (type)
            {
                case NextNodeHop when nextHopId is null && rest.Length >= SphinxGeometry.NodeIdLength + SphinxGeometry.MacLength:
                    nextHopId = rest[..SphinxGeometry.NodeIdLength].ToArray();
                    nextHopMac = rest.Slice(SphinxGeometry.NodeIdLength, SphinxGeometry.MacLength).ToArray();
                    at += SphinxGeometry.NodeIdLength + SphinxGeometry.MacLength;
                    break;
                case NodeDelay when delay is null && rest.Length >= sizeof(uint):
                    delay = BinaryPrimitives.ReadUInt32BigEndian(rest);
                    at += sizeof(uint);
                    break;
                case RecipientCommand when recipient is null && rest.Length >= SphinxGeometry.RecipientIdLength:
                    recipient = rest[..SphinxGeometry.RecipientIdLength].ToArray();
                    at += SphinxGeometry.RecipientIdLength;
                    break;
                case SurbReply when surbId is null && rest.Length >= SphinxGeometry.SurbIdLength:
                    surbId = rest[..SphinxGeometry.SurbIdLength].ToArray();
                    at += SphinxGeometry.SurbIdLength;
                    break;
                default:
                    throw new SphinxException(SphinxError.InvalidCommands, "A routing command is unknown, repeated or truncated.");
            }
        }

        // The null command's padding is zero (§4.1.1 SHOULD): anything else is not a packet we built.
        if (at < block.Length && block[at..].ContainsAnyExcept(Null))
        {
            throw new SphinxException(SphinxError.InvalidCommands, "The padding after the routing commands is not zero.");
        }

        // The arrays were sliced at their lengths: no copy, no check needed.
        return new RoutingCommands(nextHopId, nextHopMac, delay, recipient, surbId);
    }

    private static byte[]? Checked(byte[]? value, int length, string what)
    {
        if (value is not null && value.Length != length)
        {
            throw new ArgumentException($"{what} is {length} bytes.");
        }

        return value?.ToArray();
    }
}
