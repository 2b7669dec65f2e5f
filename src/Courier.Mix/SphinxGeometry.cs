namespace Courier.Mix;

/// <summary>
/// The sizes of a Sphinx packet (Sphinx spec §3): fixed for a given maximum path length and message
/// length, so that every packet of a geometry has the same length whatever its path and position.
/// </summary>
/// <remarks>
/// Header: additional data (2) | group element alpha (32) | routing information beta
/// (<see cref="PerHopRoutingInfoLength"/> × <see cref="MaxHops"/>) | MAC gamma (32). Payload: a 32-byte
/// zero tag and the message, under one Lioness layer per hop.
/// </remarks>
public sealed class SphinxGeometry
{
    /// <summary>The additional data: a 2-byte version, 0x0000.</summary>
    public const int AdLength = 2;

    /// <summary>An X25519 public key (the group element alpha).</summary>
    public const int GroupElementLength = 32;

    /// <summary>An HMAC-SHA256 tag (gamma).</summary>
    public const int MacLength = 32;

    /// <summary>A mix node's identifier.</summary>
    public const int NodeIdLength = 32;

    /// <summary>A recipient identifier (the Recipient command).</summary>
    public const int RecipientIdLength = 32;

    /// <summary>A SURB identifier (the SURBReply command).</summary>
    public const int SurbIdLength = 16;

    /// <summary>The zero tag at the front of a forward payload (§4.2), checked by the last hop.</summary>
    public const int PayloadTagLength = 32;

    /// <summary>
    /// The routing commands of one hop (§4.1.1): room for NextNodeHop (1 + 32 + 32) and SURBReply (1 + 16),
    /// as in Katzenpost; NextNodeHop with NodeDelay (1 + 4), or Recipient with SURBReply and NodeDelay, fit too.
    /// </summary>
    public const int PerHopRoutingInfoLength = 1 + NodeIdLength + MacLength + 1 + SurbIdLength;

    /// <summary>The largest header this library builds: 5 hops.</summary>
    public const int HopLimit = 5;

    /// <summary>The largest message: 1 MiB.</summary>
    public const int MessageLimit = 1 << 20;

    /// <summary>Courier's packet class: up to 5 hops, a 2 KiB message.</summary>
    public static SphinxGeometry Courier { get; } = new(HopLimit, 2048);

    /// <summary>The geometry of Katzenpost's published vectors: 5 hops, a 103-byte message (611-byte packets).</summary>
    public static SphinxGeometry Katzenpost { get; } = new(HopLimit, 103);

    /// <summary>A geometry of <paramref name="maxHops"/> (1 to 5) and <paramref name="messageLength"/> bytes (1 to 1 MiB).</summary>
    public SphinxGeometry(int maxHops, int messageLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxHops, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxHops, HopLimit);
        ArgumentOutOfRangeException.ThrowIfLessThan(messageLength, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(messageLength, MessageLimit);
        MaxHops = maxHops;
        MessageLength = messageLength;
    }

    /// <summary>The longest path a header can carry.</summary>
    public int MaxHops { get; }

    /// <summary>The bytes a packet delivers: the message, zero-padded to this length.</summary>
    public int MessageLength { get; }

    /// <summary>beta: <see cref="PerHopRoutingInfoLength"/> × <see cref="MaxHops"/>.</summary>
    public int RoutingInfoLength => PerHopRoutingInfoLength * MaxHops;

    /// <summary>The header: AD | alpha | beta | gamma.</summary>
    public int HeaderLength => AdLength + GroupElementLength + RoutingInfoLength + MacLength;

    /// <summary>The payload: tag | message.</summary>
    public int PayloadLength => PayloadTagLength + MessageLength;

    /// <summary>A packet: header | payload.</summary>
    public int PacketLength => HeaderLength + PayloadLength;

    /// <summary>A SURB: header | first hop's id | the reply's Lioness key and IV.</summary>
    public int SurbLength => HeaderLength + NodeIdLength + Lioness.KeyMaterialLength;

    internal int AlphaOffset => AdLength;

    internal int BetaOffset => AdLength + GroupElementLength;

    internal int GammaOffset => BetaOffset + RoutingInfoLength;
}
