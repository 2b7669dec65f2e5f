using System.Security.Cryptography;
using Courier.Sodium;

namespace Courier.Mix;

/// <summary>What one hop learned from a packet it unwrapped.</summary>
/// <param name="Commands">This hop's routing commands.</param>
/// <param name="Delivered">At the last hop, the bytes of the packet it delivers: the message of a forward
/// packet (tag removed), or the whole payload of a SURB reply (still encrypted for the SURB's creator).
/// Empty at other hops, whose packet is now the one to forward.</param>
public readonly record struct UnwrapResult(RoutingCommands Commands, Range Delivered);

public sealed partial class Sphinx
{
    private static readonly byte[] ZeroTag = new byte[SphinxGeometry.PayloadTagLength];

    private const int MaxRoutingBuffer = (SphinxGeometry.HopLimit + 1) * SphinxGeometry.PerHopRoutingInfoLength;

    /// <summary>
    /// Sphinx_Unwrap and its post-processing (§6.1, §6.2) in place: checks the header MAC, then the replay tag
    /// in <paramref name="replayTags"/> for <paramref name="key"/>'s epoch, reads this hop's commands and
    /// removes one payload layer. A forwarded packet leaves <paramref name="packet"/> ready for the next hop;
    /// at the last hop a forward packet's zero tag is checked (not a SURB reply's, §7.2).
    /// </summary>
    /// <exception cref="SphinxException">The packet is refused; it must be dropped.</exception>
    public UnwrapResult Unwrap(MixPrivateKey key, Span<byte> packet, IReplayTags replayTags)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(replayTags);
        CheckLength(packet, Geometry.PacketLength, "The packet");
        Span<byte> keys = stackalloc byte[SphinxCrypto.KeysLength];
        Span<byte> tag = stackalloc byte[SphinxCrypto.ReplayTagLength];
        try
        {
            var header = packet[..Geometry.HeaderLength];
            Authenticate(key.Scalar, header, keys, tag);
            if (!replayTags.TryAdd(key.Epoch, tag))
            {
                throw new SphinxException(SphinxError.Replayed, "This packet was seen before in this key epoch.");
            }

            var commands = Advance(header, keys);
            var payload = packet[Geometry.HeaderLength..];
            Lioness.Decrypt(SphinxCrypto.PayloadKeyMaterial(keys), payload);
            if (!commands.IsLastHop)
            {
                return new UnwrapResult(commands, default);
            }

            if (commands.SurbId is not null)
            {
                return new UnwrapResult(commands, Geometry.HeaderLength..);
            }

            CheckTag(payload);
            return new UnwrapResult(commands, (Geometry.HeaderLength + SphinxGeometry.PayloadTagLength)..);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(keys);
        }
    }

    /// <summary>
    /// §6.1 steps 1 to 3: the shared secret, the keys and the replay tag, then the MAC over AD | alpha | beta
    /// (constant-time compare) and the version. Nothing of the packet is trusted before this returns.
    /// </summary>
    internal void Authenticate(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> header, Span<byte> keys, Span<byte> replayTag)
    {
        CheckLength(header, Geometry.HeaderLength, "The header");
        Span<byte> shared = stackalloc byte[SphinxCrypto.SecretLength];
        Span<byte> mac = stackalloc byte[SphinxGeometry.MacLength];
        try
        {
            if (!LibSodium.X25519(shared, privateKey, header.Slice(Geometry.AlphaOffset, SphinxGeometry.GroupElementLength)))
            {
                throw new SphinxException(SphinxError.InvalidGroupElement, "The header's group element gives no shared secret.");
            }

            SphinxCrypto.DeriveKeys(shared, keys);
            SphinxCrypto.ReplayTag(shared, replayTag);
            SphinxCrypto.HeaderMac(keys, header[..Geometry.GammaOffset], mac);
            if (!CryptographicOperations.FixedTimeEquals(mac, header.Slice(Geometry.GammaOffset, SphinxGeometry.MacLength)))
            {
                throw new SphinxException(SphinxError.InvalidMac, "The header MAC does not verify.");
            }

            if (header[0] != 0 || header[1] != 0)
            {
                throw new SphinxException(SphinxError.UnsupportedVersion, "The header is not version 0.");
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(shared);
        }
    }

    /// <summary>
    /// §6.1 steps 4, 5 and 7: decrypts beta with 0^R appended, reads this hop's commands, and when there is a
    /// next hop rewrites the header for it: alpha blinded, the shifted beta, and the MAC from NextNodeHop.
    /// </summary>
    internal RoutingCommands Advance(Span<byte> header, ReadOnlySpan<byte> keys)
    {
        const int r = SphinxGeometry.PerHopRoutingInfoLength;
        Span<byte> routing = stackalloc byte[MaxRoutingBuffer];
        Span<byte> blind = stackalloc byte[SphinxCrypto.SecretLength];
        routing = routing[..(Geometry.RoutingInfoLength + r)];
        try
        {
            header.Slice(Geometry.BetaOffset, Geometry.RoutingInfoLength).CopyTo(routing);
            routing[Geometry.RoutingInfoLength..].Clear();
            SphinxCrypto.HeaderStreamXor(keys, routing);
            var commands = RoutingCommands.Decode(routing[..r]);
            if (commands.IsLastHop)
            {
                return commands;
            }

            var alpha = header.Slice(Geometry.AlphaOffset, SphinxGeometry.GroupElementLength);
            SphinxCrypto.BlindingScalar(keys, blind);
            if (!LibSodium.X25519(alpha, blind, alpha))
            {
                throw new SphinxException(SphinxError.InvalidGroupElement, "The blinded group element is not usable.");
            }

            routing[r..].CopyTo(header.Slice(Geometry.BetaOffset, Geometry.RoutingInfoLength));
            commands.NextHopMac.CopyTo(header[Geometry.GammaOffset..]);
            return commands;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(routing);
            CryptographicOperations.ZeroMemory(blind);
        }
    }

    // §6.2 step 3: the last layer removed, a payload nobody altered starts with 32 zero bytes.
    private static void CheckTag(ReadOnlySpan<byte> plaintext)
    {
        if (!CryptographicOperations.FixedTimeEquals(plaintext[..SphinxGeometry.PayloadTagLength], ZeroTag))
        {
            throw new SphinxException(SphinxError.InvalidPayload, "The payload was altered on its way.");
        }
    }
}
