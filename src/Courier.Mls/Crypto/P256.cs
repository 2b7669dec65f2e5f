using System.Security.Cryptography;

namespace Courier.Mls.Crypto;

/// <summary>
/// NIST P-256 keys in the encodings MLS uses (RFC 9420 §5.1.1, RFC 9180 §7.1.1): a public key is the
/// uncompressed SEC1 point 0x04 || X || Y (65 bytes), a private key the 32-byte big-endian scalar.
/// All curve arithmetic and point validation is the BCL's; this only moves bytes in and out of
/// <see cref="ECParameters"/>, with the private scalar in a pinned array wiped after each import.
/// </summary>
internal static class P256
{
    /// <summary>A private scalar: 32 bytes.</summary>
    public const int ScalarSize = 32;

    /// <summary>An uncompressed point: 0x04 || X || Y.</summary>
    public const int PointSize = 1 + 2 * ScalarSize;

    private const byte Uncompressed = 0x04;

    // The order n of the base point (SEC 2 §2.4.2); a scalar must lie in [1, n-1].
    private static ReadOnlySpan<byte> Order =>
    [
        0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51,
    ];

    /// <summary>
    /// True when <paramref name="scalar"/> (32 bytes, big-endian) is in [1, n-1]. A comparison, not
    /// arithmetic on the curve, and in constant time: the candidate is a private key.
    /// </summary>
    public static bool IsValidScalar(ReadOnlySpan<byte> scalar)
    {
        if (scalar.Length != ScalarSize)
        {
            return false;
        }

        // scalar < n iff scalar - n borrows; nonzero iff some byte is.
        var borrow = 0;
        var any = 0;
        for (var i = ScalarSize - 1; i >= 0; i--)
        {
            borrow = ((scalar[i] - Order[i] - borrow) >> 8) & 1;
            any |= scalar[i];
        }

        return (borrow & (((any - 1) >> 8) + 1)) == 1;
    }

    /// <summary>An ECDH key of the private <paramref name="scalar"/>.</summary>
    /// <exception cref="ArgumentException">The scalar is not in [1, n-1].</exception>
    public static ECDiffieHellman ImportDh(ReadOnlySpan<byte> scalar) => ImportPrivate(scalar, ECDiffieHellman.Create);

    /// <summary>An ECDSA key of the private <paramref name="scalar"/>.</summary>
    /// <exception cref="ArgumentException">The scalar is not in [1, n-1].</exception>
    public static ECDsa ImportDsa(ReadOnlySpan<byte> scalar) => ImportPrivate(scalar, ECDsa.Create);

    /// <summary>
    /// The ECDH public key <paramref name="point"/>, or null when it is not an uncompressed point on
    /// P-256 (the BCL's import refuses a point off the curve and the point at infinity).
    /// </summary>
    public static ECDiffieHellman? TryImportDhPublic(ReadOnlySpan<byte> point) => TryImportPublic(point, ECDiffieHellman.Create);

    /// <summary>The ECDSA public key <paramref name="point"/>, or null when it is not an uncompressed point on P-256.</summary>
    public static ECDsa? TryImportDsaPublic(ReadOnlySpan<byte> point) => TryImportPublic(point, ECDsa.Create);

    /// <summary>SerializePublicKey: 0x04 || X || Y of <paramref name="key"/>'s public point, into <paramref name="destination"/>.</summary>
    public static void ExportPoint(ECAlgorithm key, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(destination.Length, PointSize, nameof(destination));
        var q = key.ExportParameters(includePrivateParameters: false).Q;
        destination[0] = Uncompressed;
        q.X.AsSpan().CopyTo(destination[1..]);
        q.Y.AsSpan().CopyTo(destination[(1 + ScalarSize)..]);
    }

    /// <summary>
    /// The parameters of the uncompressed point <paramref name="point"/>, or null when it is not one:
    /// the wrong size or prefix. Whether the point lies on the curve is checked by the import that uses them.
    /// </summary>
    private static ECParameters? PublicParameters(ReadOnlySpan<byte> point)
    {
        if (point.Length != PointSize || point[0] != Uncompressed)
        {
            return null;
        }

        return new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = point.Slice(1, ScalarSize).ToArray(), Y = point.Slice(1 + ScalarSize).ToArray() },
        };
    }

    private static T? TryImportPublic<T>(ReadOnlySpan<byte> point, Func<ECParameters, T> create)
        where T : class
    {
        if (PublicParameters(point) is not { } parameters)
        {
            return null;
        }

        try
        {
            return create(parameters);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private static T ImportPrivate<T>(ReadOnlySpan<byte> scalar, Func<ECParameters, T> create)
    {
        if (!IsValidScalar(scalar))
        {
            throw new ArgumentException($"A P-256 private key is a {ScalarSize}-byte scalar in [1, n-1].", nameof(scalar));
        }

        // ECParameters needs an array: a pinned one (no copy left by the collector), wiped at once.
        var d = GC.AllocateArray<byte>(ScalarSize, pinned: true);
        try
        {
            scalar.CopyTo(d);
            return create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = d });
        }
        finally
        {
            CryptographicOperations.ZeroMemory(d);
        }
    }
}
