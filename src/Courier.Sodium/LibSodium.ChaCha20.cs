using System.Runtime.InteropServices;

namespace Courier.Sodium;

/// <summary>
/// Raw ChaCha20 keystreams (RFC 8439 and the original 64-bit-nonce variant) for Sphinx's blinding and
/// Lioness (Courier.Mix); NSec exposes ChaCha20 only inside its AEAD.
/// </summary>
internal static unsafe partial class LibSodium
{
    /// <summary>A ChaCha20 key: 32 bytes.</summary>
    public const int ChaCha20KeySize = 32;

    /// <summary>The nonce of the original ChaCha20 (64-bit nonce, 64-bit counter): 8 bytes.</summary>
    public const int ChaCha20NonceSize = 8;

    /// <summary>The nonce of the IETF ChaCha20 (RFC 8439 §2.4: 96-bit nonce, 32-bit counter): 12 bytes.</summary>
    public const int ChaCha20IetfNonceSize = 12;

    /// <summary>
    /// crypto_stream_chacha20: the keystream of the original ChaCha20 from block counter 0 into
    /// <paramref name="stream"/>.
    /// </summary>
    public static void ChaCha20Stream(Span<byte> stream, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> key)
    {
        CheckSize(nonce, ChaCha20NonceSize, "ChaCha20 nonce");
        CheckSize(key, ChaCha20KeySize, "ChaCha20 key");
        fixed (byte* c = stream, n = nonce, k = key)
        {
            if (crypto_stream_chacha20(c, (ulong)stream.Length, n, k) != 0)
            {
                throw new InvalidOperationException("crypto_stream_chacha20 failed.");
            }
        }
    }

    /// <summary>
    /// crypto_stream_chacha20_ietf_xor: <paramref name="data"/> XOR the RFC 8439 keystream from block
    /// counter 0, in place.
    /// </summary>
    public static void ChaCha20IetfXor(Span<byte> data, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> key)
    {
        CheckSize(nonce, ChaCha20IetfNonceSize, "ChaCha20 (IETF) nonce");
        CheckSize(key, ChaCha20KeySize, "ChaCha20 key");
        fixed (byte* m = data, n = nonce, k = key)
        {
            // libsodium allows the output to be the input.
            if (crypto_stream_chacha20_ietf_xor(m, m, (ulong)data.Length, n, k) != 0)
            {
                throw new InvalidOperationException("crypto_stream_chacha20_ietf_xor failed.");
            }
        }
    }

    [LibraryImport(Library)]
    private static partial int crypto_stream_chacha20(byte* c, ulong clen, byte* n, byte* k);

    [LibraryImport(Library)]
    private static partial int crypto_stream_chacha20_ietf_xor(byte* c, byte* m, ulong mlen, byte* n, byte* k);
}
