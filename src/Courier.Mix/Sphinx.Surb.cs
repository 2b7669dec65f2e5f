using System.Security.Cryptography;

namespace Courier.Mix;

public sealed partial class Sphinx
{
    /// <summary>
    /// Sphinx_Create_SURB (§7.1): a single-use reply block for <paramref name="path"/> (its last hop carries
    /// the SURB id) and the keys its creator keeps to read the reply. SURB layout: header | first hop's id |
    /// the reply's Lioness key material (<see cref="SphinxGeometry.SurbLength"/> bytes).
    /// </summary>
    public (byte[] Surb, SurbKeys Keys) CreateSurb(IReadOnlyList<PathHop> path, RandomNumberGenerator? random = null)
    {
        CheckPath(path, isSurb: true);
        var surb = new byte[Geometry.SurbLength];
        var keys = new SurbKeys(path.Count, path[^1].SurbId!);
        try
        {
            CreateHeader(path, surb.AsSpan(0, Geometry.HeaderLength), keys.HopKeys, random);
            Randomness.Fill(random, keys.ReplyKey);
            path[0].Id.CopyTo(surb, Geometry.HeaderLength);
            keys.ReplyKey.CopyTo(surb.AsSpan(Geometry.HeaderLength + SphinxGeometry.NodeIdLength));
            return (surb, keys);
        }
        catch
        {
            keys.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sphinx_Create_SURB_Reply (§8): the packet that carries <paramref name="message"/> back along
    /// <paramref name="surb"/>'s path, and the node to send it to first.
    /// </summary>
    public (byte[] Packet, byte[] FirstHop) CreateReply(ReadOnlySpan<byte> surb, ReadOnlySpan<byte> message)
    {
        CheckLength(surb, Geometry.SurbLength, "The SURB");
        CheckMessage(message);
        var packet = new byte[Geometry.PacketLength];
        surb[..Geometry.HeaderLength].CopyTo(packet);
        var payload = packet.AsSpan(Geometry.HeaderLength);
        message.CopyTo(payload[SphinxGeometry.PayloadTagLength..]);
        Lioness.Encrypt(surb[(Geometry.HeaderLength + SphinxGeometry.NodeIdLength)..], payload);
        return (packet, surb.Slice(Geometry.HeaderLength, SphinxGeometry.NodeIdLength).ToArray());
    }

    /// <summary>
    /// Sphinx_Decrypt_SURB_Reply (§7.2): the message of a reply's <paramref name="payload"/> as the SURB's
    /// last hop delivered it, after undoing each hop's layer and checking the zero tag.
    /// </summary>
    /// <exception cref="SphinxException"><see cref="SphinxError.InvalidPayload"/> when the reply was altered or is for other keys.</exception>
    public byte[] DecryptReply(SurbKeys keys, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(keys);
        CheckLength(payload, Geometry.PayloadLength, "The reply payload");
        var plaintext = payload.ToArray();
        for (var i = keys.Hops - 1; i >= 0; i--)
        {
            Lioness.Encrypt(keys.Hop(i), plaintext);
        }

        Lioness.Decrypt(keys.ReplyKey, plaintext);
        CheckTag(plaintext);
        return plaintext[SphinxGeometry.PayloadTagLength..];
    }
}
