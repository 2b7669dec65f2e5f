using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Courier.Node.Tests.Reserve;

/// <summary>
/// A deterministic byte stream for test vectors: block i is SHA-256("courier test seed" || seed || u64 i),
/// read in order. Not random: for reproducing vectors only.
/// </summary>
internal sealed class SeededRandom(string seed) : RandomNumberGenerator
{
    private readonly byte[] _seed = Encoding.UTF8.GetBytes(seed);
    private readonly Queue<byte> _pending = new();
    private ulong _block;

    public override void GetBytes(byte[] data) => GetBytes(data.AsSpan());

    public override void GetBytes(Span<byte> data)
    {
        for (var i = 0; i < data.Length; i++)
        {
            if (_pending.Count == 0)
            {
                var counter = new byte[8];
                BinaryPrimitives.WriteUInt64BigEndian(counter, _block++);
                foreach (var b in SHA256.HashData([.. "courier test seed"u8, .. _seed, .. counter]))
                {
                    _pending.Enqueue(b);
                }
            }

            data[i] = _pending.Dequeue();
        }
    }
}
