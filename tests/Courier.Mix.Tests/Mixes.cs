using System.Security.Cryptography;
using Courier.TestKit;

namespace Courier.Mix.Tests;

/// <summary>Five mixes with keys and ids, the paths through them, and a packet's trip along a path.</summary>
internal sealed class Mixes : IDisposable
{
    public const int Count = SphinxGeometry.HopLimit;

    public Mixes(RandomNumberGenerator? random = null, ulong epoch = 1)
    {
        for (var i = 0; i < Count; i++)
        {
            Keys[i] = MixPrivateKey.Generate(epoch, random);
            Ids[i] = random is null ? RandomNumberGenerator.GetBytes(SphinxGeometry.NodeIdLength) : Draw(random, SphinxGeometry.NodeIdLength);
            Tags[i] = new InMemoryReplayTags();
        }
    }

    public MixPrivateKey[] Keys { get; } = new MixPrivateKey[Count];

    public byte[][] Ids { get; } = new byte[Count][];

    public IReplayTags[] Tags { get; } = new IReplayTags[Count];

    public static byte[] Recipient { get; } = Enumerable.Range(0, 32).Select(i => (byte)(0xa0 + i)).ToArray();

    /// <summary>Mixes 0 .. hops-1, each asked for a delay of 100 times its position, the last holding the recipient.</summary>
    public List<PathHop> Path(int hops, byte[]? surbId = null) =>
        [.. Enumerable.Range(0, hops).Select(i => new PathHop(Ids[i], Keys[i].PublicKey.ToArray(), delay: (uint)(100 * (i + 1)), recipient: i == hops - 1 ? Recipient : null, surbId: i == hops - 1 ? surbId : null))];

    /// <summary>Unwraps <paramref name="packet"/> at mixes 0 .. hops-1 in turn, checking each forwards to the next; the last hop's result.</summary>
    public UnwrapResult Route(Sphinx sphinx, byte[] packet, int hops, Action<int, byte[]>? beforeHop = null)
    {
        for (var i = 0; ; i++)
        {
            beforeHop?.Invoke(i, packet);
            var result = sphinx.Unwrap(Keys[i], packet, Tags[i]);
            Assert.Equal((uint)(100 * (i + 1)), result.Commands.Delay);
            if (i == hops - 1)
            {
                Assert.True(result.Commands.IsLastHop);
                Assert.Equal(Recipient, result.Commands.Recipient);
                return result;
            }

            Assert.Equal(Ids[i + 1], result.Commands.NextHopId);
            Assert.Equal(default, result.Delivered);
        }
    }

    public void Dispose()
    {
        foreach (var key in Keys)
        {
            key.Dispose();
        }
    }

    private static byte[] Draw(RandomNumberGenerator random, int length)
    {
        var bytes = new byte[length];
        random.GetBytes(bytes);
        return bytes;
    }
}
