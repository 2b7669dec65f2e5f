using System.Diagnostics;
using System.Security.Cryptography;

namespace Courier.Mls.Crypto;

/// <summary>
/// Secret bytes held in pinned memory (so the collector never leaves copies behind) and wiped on
/// <see cref="Dispose"/>. Compares in constant time, never prints its content, and converts to
/// bytes only through an explicit call.
/// </summary>
[DebuggerDisplay("Secret ({Length} bytes)")]
public sealed class Secret : IDisposable
{
    private readonly byte[] _bytes;
    private bool _disposed;

    private Secret(int length) => _bytes = GC.AllocateArray<byte>(length, pinned: true);

    /// <summary>The length in bytes.</summary>
    public int Length => _bytes.Length;

    /// <summary>True once the secret has been wiped.</summary>
    public bool IsDisposed => _disposed;

    /// <summary>The secret bytes. Throws once the secret has been wiped.</summary>
    internal ReadOnlySpan<byte> Span
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _bytes;
        }
    }

    /// <summary>A writable view, for code that fills a freshly allocated secret.</summary>
    internal Span<byte> Writable
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _bytes;
        }
    }

    /// <summary>A new all-zero secret of <paramref name="length"/> bytes.</summary>
    internal static Secret Zero(int length) => new(length);

    /// <summary>Copies <paramref name="bytes"/> into a new secret.</summary>
    public static Secret Copy(ReadOnlySpan<byte> bytes)
    {
        var secret = new Secret(bytes.Length);
        bytes.CopyTo(secret._bytes);
        return secret;
    }

    /// <summary>Moves <paramref name="bytes"/> into a new secret and wipes the array it came from.</summary>
    internal static Secret Take(byte[] bytes)
    {
        var secret = Copy(bytes);
        CryptographicOperations.ZeroMemory(bytes);
        return secret;
    }

    /// <summary>A copy that can be disposed independently of this one.</summary>
    public Secret Clone() => Copy(Span);

    /// <summary>Copies the secret out. The caller owns the copy and must wipe it.</summary>
    public byte[] Export() => Span.ToArray();

    /// <summary>Compares in constant time.</summary>
    public bool ContentEquals(ReadOnlySpan<byte> other) => CryptographicOperations.FixedTimeEquals(Span, other);

    /// <summary>Compares in constant time.</summary>
    public bool ContentEquals(Secret other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return ContentEquals(other.Span);
    }

    /// <summary>Wipes the bytes.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            CryptographicOperations.ZeroMemory(_bytes);
            _disposed = true;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"Secret({Length} bytes)";
}
