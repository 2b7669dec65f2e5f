using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Courier.Mix.Tests;

/// <summary>
/// A reproducible byte stream for tests and vectors: block i is SHA-256(label | i as a big-endian uint64),
/// read in order however the calls cut it. Not a secure generator: known seeds, known output.
/// </summary>
internal sealed class SeededRandom(string label) : RandomNumberGenerator
{
    private readonly byte[] prefix = System.Text.Encoding.UTF8.GetBytes(label);
    private readonly byte[] block = new byte[32];
    private ulong counter;
    private int used = 32;

    public override void GetBytes(byte[] data) => GetBytes(data.AsSpan());

    public override void GetBytes(Span<byte> data)
    {
        while (data.Length > 0)
        {
            if (used == block.Length)
            {
                var input = new byte[prefix.Length + sizeof(ulong)];
                prefix.CopyTo(input, 0);
                BinaryPrimitives.WriteUInt64BigEndian(input.AsSpan(prefix.Length), counter++);
                SHA256.HashData(input, block);
                used = 0;
            }

            var take = Math.Min(data.Length, block.Length - used);
            block.AsSpan(used, take).CopyTo(data);
            used += take;
            data = data[take..];
        }
    }
}
