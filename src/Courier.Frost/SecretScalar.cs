using System.Security.Cryptography;

namespace Courier.Frost;

/// <summary>A secret scalar (a share, a nonce, a coefficient): wiped on dispose, never printed.</summary>
internal sealed class SecretScalar : IDisposable
{
    private readonly byte[] _value;
    private bool _wiped;

    public SecretScalar(byte[] value) => _value = value;

    public ReadOnlySpan<byte> Value => _wiped ? throw new ObjectDisposedException(nameof(SecretScalar)) : _value;

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_value);
        _wiped = true;
    }

    public override string ToString() => "[secret]";
}
