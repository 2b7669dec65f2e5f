using System.Security.Cryptography;
using Courier.Sodium;

namespace Courier.Mix;

/// <summary>
/// A mix's X25519 routing key for one key epoch (Sphinx spec §6.1 private_routing_key). The scalar lives in
/// a pinned array, never copied out, and is wiped on <see cref="Dispose"/>.
/// </summary>
public sealed class MixPrivateKey : IDisposable
{
    /// <summary>An X25519 private or public key: 32 bytes.</summary>
    public const int Length = LibSodium.X25519Size;

    private readonly byte[] scalar = GC.AllocateArray<byte>(Length, pinned: true);
    private readonly byte[] publicKey = new byte[Length];
    private bool disposed;

    private MixPrivateKey(ulong epoch)
    {
        Epoch = epoch;
    }

    /// <summary>The key epoch this key serves; replay tags are kept per epoch.</summary>
    public ulong Epoch { get; }

    /// <summary>The public key X25519(scalar, 9) that senders use for this hop.</summary>
    public ReadOnlySpan<byte> PublicKey => publicKey;

    internal ReadOnlySpan<byte> Scalar
    {
        get
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            return scalar;
        }
    }

    /// <summary>A fresh key for <paramref name="epoch"/> from <paramref name="random"/> (the OS generator when null).</summary>
    public static MixPrivateKey Generate(ulong epoch, RandomNumberGenerator? random = null)
    {
        var key = new MixPrivateKey(epoch);
        Randomness.Fill(random, key.scalar);
        LibSodium.X25519Base(key.publicKey, key.scalar);
        return key;
    }

    /// <summary>The key whose 32-byte X25519 scalar is <paramref name="privateKey"/> (the caller wipes its copy).</summary>
    public static MixPrivateKey Import(ReadOnlySpan<byte> privateKey, ulong epoch)
    {
        if (privateKey.Length != Length)
        {
            throw new ArgumentException($"A mix private key is {Length} bytes.", nameof(privateKey));
        }

        var key = new MixPrivateKey(epoch);
        privateKey.CopyTo(key.scalar);
        LibSodium.X25519Base(key.publicKey, key.scalar);
        return key;
    }

    /// <summary>Wipes the scalar; the key cannot be used afterwards.</summary>
    public void Dispose()
    {
        disposed = true;
        CryptographicOperations.ZeroMemory(scalar);
    }
}
