using System.Security.Cryptography;
using Courier.Sodium;

namespace Courier.Mix;

public sealed partial class Sphinx
{
    /// <summary>
    /// Sphinx_Create_Packet (§5.2): a packet that takes <paramref name="message"/> (zero-padded to
    /// <see cref="SphinxGeometry.MessageLength"/>) along <paramref name="path"/>. The ephemeral key and the
    /// padding come from <paramref name="random"/> (the OS generator when null).
    /// </summary>
    public byte[] CreatePacket(IReadOnlyList<PathHop> path, ReadOnlySpan<byte> message, RandomNumberGenerator? random = null)
    {
        CheckPath(path, isSurb: false);
        CheckMessage(message);
        var packet = new byte[Geometry.PacketLength];
        var payloadKeys = GC.AllocateArray<byte>(path.Count * Lioness.KeyMaterialLength, pinned: true);
        try
        {
            CreateHeader(path, packet.AsSpan(0, Geometry.HeaderLength), payloadKeys, random);
            var payload = packet.AsSpan(Geometry.HeaderLength);
            message.CopyTo(payload[SphinxGeometry.PayloadTagLength..]);
            for (var i = path.Count - 1; i >= 0; i--)
            {
                Lioness.Encrypt(payloadKeys.AsSpan(i * Lioness.KeyMaterialLength, Lioness.KeyMaterialLength), payload);
            }

            return packet;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(payloadKeys);
        }
    }

    /// <summary>
    /// Sphinx_Create_Header (§5.1): writes the header for <paramref name="path"/> and each hop's payload
    /// key material (Lioness key and IV) in hop order.
    /// </summary>
    internal void CreateHeader(IReadOnlyList<PathHop> path, Span<byte> header, Span<byte> payloadKeys, RandomNumberGenerator? random)
    {
        const int r = SphinxGeometry.PerHopRoutingInfoLength;
        const int secret = SphinxCrypto.SecretLength;
        int hops = path.Count, max = Geometry.MaxHops;
        int streamLength = (max + 1) * r;
        var buffer = GC.AllocateArray<byte>((hops * (SphinxCrypto.KeysLength + (2 * secret) + streamLength)) + (2 * secret), pinned: true);
        try
        {
            var span = buffer.AsSpan();
            var keys = Take(ref span, hops * SphinxCrypto.KeysLength);
            var alphas = Take(ref span, hops * secret);
            var blinds = Take(ref span, hops * secret);
            var streams = Take(ref span, hops * streamLength);
            var ephemeral = Take(ref span, secret);
            var shared = Take(ref span, secret);

            // Step 1: per-hop shared secrets, keys and group elements.
            Randomness.Fill(random, ephemeral);
            LibSodium.X25519Base(alphas[..secret], ephemeral);
            for (var i = 0; i < hops; i++)
            {
                Require(LibSodium.X25519(shared, ephemeral, path[i].PublicKey), i);
                for (var j = 0; j < i; j++)
                {
                    Require(LibSodium.X25519(shared, blinds.Slice(j * secret, secret), shared), i);
                }

                var hopKeys = keys.Slice(i * SphinxCrypto.KeysLength, SphinxCrypto.KeysLength);
                SphinxCrypto.DeriveKeys(shared, hopKeys);
                SphinxCrypto.BlindingScalar(hopKeys, blinds.Slice(i * secret, secret));
                if (i > 0)
                {
                    Require(LibSodium.X25519(alphas.Slice(i * secret, secret), blinds.Slice((i - 1) * secret, secret), alphas.Slice((i - 1) * secret, secret)), i);
                }

                SphinxCrypto.PayloadKeyMaterial(hopKeys).CopyTo(payloadKeys.Slice(i * Lioness.KeyMaterialLength, Lioness.KeyMaterialLength));
                SphinxCrypto.HeaderStreamXor(hopKeys, streams.Slice(i * streamLength, streamLength));
            }

            // Step 2: the filler, i.e. what the hops before the last append to beta, as the last hop sees it.
            var beta = header.Slice(Geometry.BetaOffset, Geometry.RoutingInfoLength);
            var filler = beta[((max - hops + 1) * r)..];
            filler.Clear();
            for (var i = 0; i < hops - 1; i++)
            {
                var stream = streams.Slice(i * streamLength, streamLength);
                Xor(filler[..(i * r)], stream.Slice((max - i) * r, i * r));
                stream.Slice(max * r, r).CopyTo(filler[(i * r)..]);
            }

            // Step 3: the last hop's commands and random padding, then each earlier hop from the back.
            header[..SphinxGeometry.AdLength].Clear();
            var last = hops - 1;
            Randomness.Fill(random, beta[r..((max - hops + 1) * r)]);
            path[last].Commands(null, null).Encode(beta[..r]);
            Xor(beta[..r], streams.Slice(last * streamLength, r));
            var mac = new byte[SphinxGeometry.MacLength];
            Mac(header, keys, alphas, last, mac);
            for (var i = last - 1; i >= 0; i--)
            {
                beta[..((max - 1) * r)].CopyTo(beta[r..]);
                path[i].Commands(path[i + 1].Id, mac).Encode(beta[..r]);
                Xor(beta, streams.Slice(i * streamLength, max * r));
                Mac(header, keys, alphas, i, mac);
            }

            mac.CopyTo(header[Geometry.GammaOffset..]);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }

    // The MAC of hop i over AD | alpha_i | beta, with alpha_i written in place.
    private void Mac(Span<byte> header, ReadOnlySpan<byte> keys, ReadOnlySpan<byte> alphas, int hop, Span<byte> mac)
    {
        alphas.Slice(hop * SphinxCrypto.SecretLength, SphinxCrypto.SecretLength).CopyTo(header[Geometry.AlphaOffset..]);
        SphinxCrypto.HeaderMac(keys.Slice(hop * SphinxCrypto.KeysLength, SphinxCrypto.KeysLength), header[..Geometry.GammaOffset], mac);
    }

    private static void Require(bool ok, int hop)
    {
        if (!ok)
        {
            throw new SphinxException(SphinxError.InvalidPath, $"The public key of hop {hop} is not a usable X25519 key.");
        }
    }

    private static Span<byte> Take(ref Span<byte> span, int length)
    {
        var taken = span[..length];
        span = span[length..];
        return taken;
    }

    private static void Xor(Span<byte> data, ReadOnlySpan<byte> stream)
    {
        for (var i = 0; i < data.Length; i++)
        {
            data[i] ^= stream[i];
        }
    }
}
