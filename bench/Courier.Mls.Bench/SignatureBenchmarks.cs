using BenchmarkDotNet.Attributes;
using NSec.Cryptography;

namespace Courier.Mls.Bench;

/// <summary>
/// ed25519_sign_verify_1KiB: the bound issue 18 sets protect_unprotect_1KiB against. Each
/// application message costs one Ed25519 signature (protect) and one verification (unprotect) of
/// its FramedContentTBS (RFC 9420 §6.1), so one signature and one verification of that many bytes,
/// with the primitive Courier.Mls uses (libsodium through NSec), bound the pairs per second one
/// core can reach.
/// </summary>
public class SignatureBenchmarks : IDisposable
{
    // The FramedContentTBS of a 1 KiB application message in the 10-member bench group with its
    // SignWithLabel prefix: the 1024 bytes, the framing and the GroupContext, about 1,200 bytes.
    private const int SignedLength = 1200;

    private static readonly SignatureAlgorithm Ed25519 = SignatureAlgorithm.Ed25519;
    private readonly byte[] _content = new byte[SignedLength];
    private Key _key = null!;

    [GlobalSetup]
    public void Setup()
    {
        _key = Key.Create(Ed25519);
        Array.Fill(_content, (byte)'a');
        if (!SignVerify())
        {
            throw new InvalidOperationException("the signature did not verify");
        }
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _key?.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>One Ed25519 signature and its verification, the public key already imported.</summary>
    [Benchmark]
    public bool SignVerify() => Ed25519.Verify(_key.PublicKey, _content, Ed25519.Sign(_key, _content));
}
