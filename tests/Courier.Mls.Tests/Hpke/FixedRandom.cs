using Courier.Mls.Crypto;

namespace Courier.Mls.Tests.Hpke;

/// <summary>Hands out the given bytes, in order, exactly once; asking for more is a test failure.</summary>
internal sealed class FixedRandom(params byte[][] chunks) : IRandom
{
    private readonly Queue<byte[]> _chunks = new(chunks);

    public bool Exhausted => _chunks.Count == 0;

    public void Fill(Span<byte> destination)
    {
        if (!_chunks.TryDequeue(out var chunk))
        {
            throw new InvalidOperationException("FixedRandom has no bytes left.");
        }

        if (chunk.Length != destination.Length)
        {
            throw new InvalidOperationException($"FixedRandom was asked for {destination.Length} bytes but holds {chunk.Length}.");
        }

        chunk.CopyTo(destination);
    }
}
