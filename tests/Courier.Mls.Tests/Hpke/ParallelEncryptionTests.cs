using Courier.Mls.Crypto;
using Courier.Mls.Hpke;

namespace Courier.Mls.Tests.Hpke;

/// <summary>
/// Many EncryptWithLabel at once (an UpdatePath's or a Welcome's) run in parallel, yet give exactly
/// what a loop of single encryptions gives for the same randomness, and fail as that loop fails.
/// </summary>
public class ParallelEncryptionTests
{
    public static TheoryData<CipherSuiteId> Suites() => TestSuites.All();

    [Theory]
    [MemberData(nameof(Suites))]
    public void Batch_is_byte_for_byte_the_loop_for_the_same_randomness(CipherSuiteId id)
    {
        var suite = CipherSuite.Get(id);
        var keys = Enumerable.Range(0, 64).Select(i => suite.DeriveKeyPair(Enumerable.Repeat((byte)i, 32).ToArray())).ToList();
        var plaintexts = Enumerable.Range(0, 64).Select(i => Secret.Copy(Enumerable.Repeat((byte)(i * 3), 1 + (i % 40)).ToArray())).ToList();
        try
        {
            var info = suite.EncryptWithLabelInfo("UpdatePathNode", "provisional group context"u8);
            var batchRandom = new SeededRandom(42);
            var loopRandom = new SeededRandom(42);

            var batch = suite.EncryptWithLabel(info, keys.Select((k, i) => (k.PublicKey, plaintexts[i])).ToList(), batchRandom);
            var loop = keys.Select((k, i) => suite.EncryptWithLabel(k.PublicKey, info, plaintexts[i].Span, loopRandom)).ToList();

            Assert.Equal(loop.Select(c => c.KemOutput), batch.Select(c => c.KemOutput));
            Assert.Equal(loop.Select(c => c.Ciphertext), batch.Select(c => c.Ciphertext));
            Assert.Equal(64, batch.Select(c => Convert.ToHexString(c.KemOutput)).Distinct().Count());

            // The same draws, all on the calling thread.
            Assert.Equal(loopRandom.Calls, batchRandom.Calls);
            Assert.Equal([Environment.CurrentManagedThreadId], batchRandom.Threads);

            // And each opens for its recipient.
            for (var i = 0; i < keys.Count; i++)
            {
                Assert.Equal(plaintexts[i].Span.ToArray(), suite.DecryptWithLabel(keys[i], "UpdatePathNode", "provisional group context"u8, batch[i].KemOutput, batch[i].Ciphertext));
            }
        }
        finally
        {
            keys.ForEach(k => k.Dispose());
            plaintexts.ForEach(p => p.Dispose());
        }
    }

    [Fact]
    public void The_first_failure_in_list_order_is_thrown()
    {
        var suite = CipherSuite.Suite1;
        using var key = suite.DeriveKeyPair(new byte[32]);
        using var plaintext = Secret.Copy([1, 2, 3]);
        var lowOrder = Convert.FromHexString("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800");
        var info = suite.EncryptWithLabelInfo("Welcome", []);
        List<(byte[], Secret)> Messages(int lowOrderAt, int shortAt) =>
            [.. Enumerable.Range(0, 40).Select(i => (i == lowOrderAt ? lowOrder : i == shortAt ? new byte[31] : key.PublicKey, plaintext))];

        var e = Assert.Throws<HpkeException>(() => suite.EncryptWithLabel(info, Messages(3, 30), SystemRandom.Instance));
        Assert.Equal(HpkeError.ValidationError, e.Error);
        Assert.Throws<ArgumentException>(() => suite.EncryptWithLabel(info, Messages(30, 3), SystemRandom.Instance));
    }

    [Fact]
    public void No_message_needs_no_randomness()
    {
        var random = new SeededRandom(1);
        Assert.Empty(CipherSuite.Suite1.EncryptWithLabel(CipherSuite.Suite1.EncryptWithLabelInfo("Welcome", []), [], random));
        Assert.Equal(0, random.Calls);
    }

    /// <summary>Deterministic bytes (not thread-safe on purpose), recording how often and on which threads it was asked.</summary>
    private sealed class SeededRandom(int seed) : IRandom
    {
        private readonly Random _random = new(seed);

        public int Calls { get; private set; }

        public HashSet<int> Threads { get; } = [];

        public void Fill(Span<byte> destination)
        {
            Calls++;
            Threads.Add(Environment.CurrentManagedThreadId);
            _random.NextBytes(destination);
        }
    }
}
