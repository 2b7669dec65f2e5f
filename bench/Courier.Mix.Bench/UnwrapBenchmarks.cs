using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Courier.Sodium;

namespace Courier.Mix.Bench;

/// <summary>
/// One hop's unwrap of a 5-hop packet of each mix packet size (small: 6 KiB messages, 6,652-byte packets;
/// large: 96 KiB, 98,812 bytes), and each cryptographic operation it performs, called directly on the same
/// sizes: their sum is the raw bound.
/// </summary>
[MemoryDiagnoser]
public class UnwrapBenchmarks
{
    private readonly byte[] scalar = new byte[32];
    private readonly byte[] shared = new byte[32];
    private readonly byte[] output = new byte[32];
    private readonly byte[] keys = new byte[SphinxCrypto.KeysLength];
    private Sphinx sphinx = null!;
    private byte[] buffer = null!;
    private byte[] routing = null!;
    private byte[] payload = null!;
    private MixPrivateKey key = null!;
    private byte[] packet = null!;
    private byte[] alpha = null!;

    /// <summary>The message length: the small and the large mix packet (Courier.Relay.Client's MixMessages).</summary>
    [Params(6 * 1024, 96 * 1024)]
    public int MessageLength { get; set; } = 6 * 1024;

    [GlobalSetup]
    public void Setup()
    {
        sphinx = new Sphinx(new SphinxGeometry(SphinxGeometry.HopLimit, MessageLength));
        buffer = new byte[sphinx.Geometry.PacketLength];
        routing = new byte[sphinx.Geometry.RoutingInfoLength + SphinxGeometry.PerHopRoutingInfoLength];
        payload = new byte[sphinx.Geometry.PayloadLength];
        var keysOfPath = Enumerable.Range(0, 5).Select(_ => MixPrivateKey.Generate(epoch: 1)).ToArray();
        var path = keysOfPath.Select(k => new PathHop(RandomNumberGenerator.GetBytes(32), k.PublicKey.ToArray(), delay: 10)).ToList();
        path[^1] = new PathHop(path[^1].Id, path[^1].PublicKey, recipient: new byte[32]);
        packet = sphinx.CreatePacket(path, "bench"u8);
        key = keysOfPath[0];
        alpha = packet[SphinxGeometry.AdLength..(SphinxGeometry.AdLength + 32)];
        RandomNumberGenerator.Fill(scalar);
        RandomNumberGenerator.Fill(shared);
        RandomNumberGenerator.Fill(keys);
        RandomNumberGenerator.Fill(payload);
    }

    /// <summary>The whole hop: MAC, replay check (always new here), commands, blinding, Lioness; on a fresh copy of the packet.</summary>
    [Benchmark]
    public int Unwrap()
    {
        packet.CopyTo(buffer, 0);
        return sphinx.Unwrap(key, buffer, AcceptAll.Instance).Commands.NextHopId!.Length;
    }

    /// <summary>The shared secret: X25519 through libsodium, no key objects.</summary>
    [Benchmark]
    public bool X25519() => LibSodium.X25519(output, scalar, alpha);

    /// <summary>The key schedule: HKDF-Expand-SHA256 of 336 bytes.</summary>
    [Benchmark]
    public void Kdf() => SphinxCrypto.DeriveKeys(shared, keys);

    /// <summary>The replay tag: SHA-256 of the shared secret.</summary>
    [Benchmark]
    public void ReplayTag() => SphinxCrypto.ReplayTag(shared, output);

    /// <summary>HMAC-SHA256 over AD | alpha | beta (444 bytes).</summary>
    [Benchmark]
    public void HeaderMac() => SphinxCrypto.HeaderMac(keys, packet.AsSpan(0, sphinx.Geometry.GammaOffset), output);

    /// <summary>AES-256-CTR over beta and one hop of zeros (492 bytes), key setup included.</summary>
    [Benchmark]
    public void HeaderStream() => SphinxCrypto.HeaderStreamXor(keys, routing);

    /// <summary>Lioness decryption of the payload (6,176 or 98,336 bytes).</summary>
    [Benchmark]
    public void LionessPayload() => Lioness.Decrypt(SphinxCrypto.PayloadKeyMaterial(keys), payload);

    /// <summary>Blinding: the ChaCha20 scalar and the X25519 that blinds alpha.</summary>
    [Benchmark]
    public bool Blinding()
    {
        SphinxCrypto.BlindingScalar(keys, scalar);
        return LibSodium.X25519(output, scalar, alpha);
    }

    /// <summary>Every raw operation above once, in Unwrap's order: the raw bound as one call.</summary>
    [Benchmark]
    public bool RawSum()
    {
        X25519();
        Kdf();
        ReplayTag();
        HeaderMac();
        HeaderStream();
        LionessPayload();
        return Blinding();
    }

    private sealed class AcceptAll : IReplayTags
    {
        public static readonly AcceptAll Instance = new();

        public bool TryAdd(ulong epoch, ReadOnlySpan<byte> tag) => true;

        public void ForgetBefore(ulong epoch)
        {
        }
    }
}
