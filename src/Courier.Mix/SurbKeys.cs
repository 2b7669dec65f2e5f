using System.Security.Cryptography;

namespace Courier.Mix;

/// <summary>
/// What a SURB's creator keeps to read the reply (§7.1 decryption token): the reply's Lioness key material
/// and each hop's, in a pinned array wiped on <see cref="Dispose"/>, and the SURB id that finds them.
/// </summary>
public sealed class SurbKeys : IDisposable
{
    private readonly byte[] material;
    private bool disposed;

    internal SurbKeys(int hops, byte[] surbId)
    {
        Hops = hops;
        SurbId = surbId.ToArray();
        material = GC.AllocateArray<byte>((hops + 1) * Lioness.KeyMaterialLength, pinned: true);
    }

    /// <summary>Keys from their serialized material (reply key | hop 0 | hop 1 ...), as the test vectors hold them.</summary>
    internal static SurbKeys FromMaterial(byte[] surbId, ReadOnlySpan<byte> material)
    {
        if (material.Length % Lioness.KeyMaterialLength != 0 || material.Length < 2 * Lioness.KeyMaterialLength)
        {
            throw new SphinxException(SphinxError.WrongLength, "SURB keys are a whole number of Lioness key materials, at least two.");
        }

        var keys = new SurbKeys((material.Length / Lioness.KeyMaterialLength) - 1, surbId);
        material.CopyTo(keys.material);
        return keys;
    }

    /// <summary>The id in the SURB's SURBReply command, which the reply's last hop reports.</summary>
    public byte[] SurbId { get; }

    /// <summary>The SURB path's length.</summary>
    public int Hops { get; }

    internal Span<byte> ReplyKey => Material[..Lioness.KeyMaterialLength];

    internal Span<byte> HopKeys => Material[Lioness.KeyMaterialLength..];

    internal Span<byte> Material
    {
        get
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            return material;
        }
    }

    /// <summary>Wipes the keys; the reply can no longer be read.</summary>
    public void Dispose()
    {
        disposed = true;
        CryptographicOperations.ZeroMemory(material);
    }

    internal Span<byte> Hop(int i) => HopKeys.Slice(i * Lioness.KeyMaterialLength, Lioness.KeyMaterialLength);
}
