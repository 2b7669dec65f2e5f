using Courier.Mls.Codec;
using Courier.Mls.Crypto;
using Courier.Mls.SecretTree;
using Xunit.Abstractions;

namespace Courier.Mls.Tests.SecretTree;

/// <summary>
/// The saved state of the secret tree and its hash ratchets: canonical, restores to a tree that
/// continues exactly where the saved one stopped, never contains a secret the tree had deleted,
/// and rejects bad bytes only with <see cref="DecodeException"/>.
/// </summary>
public class EncryptionSecretTreeStateTests(ITestOutputHelper output)
{

    public static TheoryData<CipherSuiteId> Suites() => TestSuites.All();

    private static byte[] Root(CipherSuite suite) => [.. Enumerable.Range(100, suite.HashSize).Select(i => (byte)i)];

    [Theory]
    [MemberData(nameof(Suites))]
    public void Saved_state_round_trips_to_the_same_bytes(CipherSuiteId id)
    {
        var suite = CipherSuite.Get(id);
        using var fresh = NewTree(suite, 4);
        using var single = NewTree(suite, 1);
        using var used = UsedTree(suite);
        foreach (var tree in new[] { fresh, single, used })
        {
            var bytes = SavedState.Save(tree);
            using var restored = SavedState.RestoreTree(suite, bytes);
            Assert.Equal(tree.LeafCount, restored.LeafCount);
            Assert.Equal(bytes, SavedState.Save(restored));

            // Saving does not change the tree.
            Assert.Equal(bytes, SavedState.Save(tree));
        }
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Restored_tree_continues_exactly_where_the_saved_one_stopped(CipherSuiteId id)
    {
        var suite = CipherSuite.Get(id);
        using var original = UsedTree(suite);
        using var restored = SavedState.RestoreTree(suite, SavedState.Save(original));

        // The same requests, in the same order, to both: kept out-of-order keys, consumed
        // generations, future generations, untouched leaves, and sending.
        var fromOriginal = Requests(original);
        var fromRestored = Requests(restored);
        Assert.Equal(fromOriginal, fromRestored);
        Assert.Contains(fromOriginal, o => o == nameof(SecretTreeError.GenerationConsumed));
        Assert.Contains(fromOriginal, o => o == nameof(SecretTreeError.GenerationTooFarAhead));
        Assert.True(fromOriginal.Count(o => o.Contains(':', StringComparison.Ordinal)) > 100);

        // Both end in the same state too.
        Assert.Equal(SavedState.Save(original), SavedState.Save(restored));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Restored_tree_yields_the_kept_keys_of_a_fresh_tree_and_refuses_consumed_ones(CipherSuiteId id)
    {
        var suite = CipherSuite.Get(id);
        using var original = UsedTree(suite);
        using var restored = SavedState.RestoreTree(suite, SavedState.Save(original));
        using var reference = NewTree(suite, 8);

        // Leaf 2's application ratchet kept 0, 1, 3 and 4 (2 and 5 were used).
        foreach (var generation in new uint[] { 4, 0, 3, 1, 6, 9 })
        {
            using var key = restored.GetReceiveKey(2, RatchetType.Application, generation);
            using var expected = reference.GetReceiveKey(2, RatchetType.Application, generation);
            AssertSameKey(expected, key);
        }

        foreach (var generation in new uint[] { 2, 5, 4, 0 })
        {
            Assert.Equal(SecretTreeError.GenerationConsumed, Assert.Throws<SecretTreeException>(() => restored.GetReceiveKey(2, RatchetType.Application, generation)).Reason);
        }

        // Leaf 5 sent generations 0..2 on its handshake ratchet.
        for (var generation = 0u; generation < 3; generation++)
        {
            Assert.Equal(SecretTreeError.GenerationConsumed, Assert.Throws<SecretTreeException>(() => restored.GetReceiveKey(5, RatchetType.Handshake, generation)).Reason);
        }

        using var sent = restored.NextSendKey(5, RatchetType.Handshake);
        using var expectedSent = reference.GetReceiveKey(5, RatchetType.Handshake, 3);
        AssertSameKey(expectedSent, sent);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Saved_state_contains_every_held_secret_and_no_deleted_one(CipherSuiteId id)
    {
        var suite = CipherSuite.Get(id);
        var everHeld = new List<byte[]> { Root(suite) };
        using var tree = NewTree(suite, 8);
        var consumed = new List<byte[]>();

        void Record() => everHeld.AddRange(tree.HeldSecrets.Select(s => s.Export()));

        void Use(MessageKey key)
        {
            using (key)
            {
                consumed.Add(key.Key.Export());
                consumed.Add(key.Nonce.Export());
            }

            Record();
        }

        Record();
        Use(tree.GetReceiveKey(2, RatchetType.Application, 5));
        Use(tree.GetReceiveKey(2, RatchetType.Application, 2));
        Use(tree.NextSendKey(5, RatchetType.Handshake));
        Use(tree.NextSendKey(5, RatchetType.Handshake));
        Use(tree.GetReceiveKey(0, RatchetType.Handshake, 0));

        var bytes = SavedState.Save(tree);
        var held = tree.HeldSecrets.Select(s => s.Export()).ToList();
        Assert.All(held, secret => Assert.True(SavedState.Contains(bytes, secret), "a held secret is missing from the saved state"));

        // Every consumed message key and nonce, and every node or ratchet secret the tree let go of.
        var deleted = everHeld.Concat(consumed).Where(secret => !held.Any(h => h.AsSpan().SequenceEqual(secret))).ToList();
        Assert.True(deleted.Count > 10);
        Assert.All(deleted, secret => Assert.False(SavedState.Contains(bytes, secret), "the saved state holds a deleted secret"));
    }

    [Fact]
    public void Saved_bytes_follow_the_documented_layout()
    {
        var suite = CipherSuite.Suite1;
        using var tree = NewTree(suite, 2);
        tree.GetReceiveKey(1, RatchetType.Application, 1).Dispose();

        // Leaf 1 took the right child of the root; its application ratchet kept generation 0 and is at 2.
        using var left = suite.ExpandWithLabel(Root(suite), "tree", "left"u8, suite.HashSize);
        using var right = suite.ExpandWithLabel(Root(suite), "tree", "right"u8, suite.HashSize);
        using var handshake = suite.ExpandWithLabel(right.Span, "handshake", default, 32);
        using var application0 = suite.ExpandWithLabel(right.Span, "application", default, 32);
        using var key0 = suite.DeriveTreeSecret(application0.Span, "key", 0, 16);
        using var nonce0 = suite.DeriveTreeSecret(application0.Span, "nonce", 0, 12);
        using var application1 = suite.DeriveTreeSecret(application0.Span, "secret", 0, 32);
        using var application2 = suite.DeriveTreeSecret(application1.Span, "secret", 1, 32);

        var expected = new TlsWriter();
        expected.WriteUInt32(2);
        expected.WriteVector(w =>
        {
            w.WriteUInt32(0);
            w.WriteOpaque(left.Span);
        });
        expected.WriteVector(w =>
        {
            w.WriteUInt8(0);
            w.WriteUInt8(0);
            w.WriteUInt8(1);
            WriteRatchet(w, 0, handshake.Export(), []);
            w.WriteUInt8(1);
            WriteRatchet(w, 2, application2.Export(), [(0, key0.Export(), nonce0.Export())]);
        });

        Assert.Equal(Convert.ToHexString(expected.Written), Convert.ToHexString(SavedState.Save(tree)));
    }

    [Fact]
    public void Exhausted_ratchet_is_saved_without_a_secret_and_stays_exhausted()
    {
        var suite = CipherSuite.Suite3;
        using var original = new HashRatchet(suite, Secret.Copy(Root(suite)), 3, RatchetType.Handshake, uint.MaxValue - 1);
        original.Get(uint.MaxValue).Dispose();
        Assert.Equal(HashRatchet.EndOfGenerations, original.NextGeneration);

        var bytes = SavedState.Save(original);
        Assert.Equal("0000000100000000", Convert.ToHexString(bytes, 0, 8));
        Assert.Equal(8 + 1 + 4 + 1 + 32 + 1 + 12, bytes.Length);

        using var restored = SavedState.RestoreRatchet(suite, bytes, 3, RatchetType.Handshake);
        Assert.Equal(bytes, SavedState.Save(restored));
        Assert.Equal(SecretTreeError.RatchetExhausted, Assert.Throws<SecretTreeException>(restored.Next).Reason);
        using var kept = restored.Get(uint.MaxValue - 1);
        using var expected = original.Get(uint.MaxValue - 1);
        AssertSameKey(expected, kept);
        Assert.Empty(restored.HeldSecrets);
    }

    [Fact]
    public void Ratchet_with_the_most_kept_keys_round_trips_and_one_more_is_refused()
    {
        var suite = CipherSuite.Suite1;
        using var full = new HashRatchet(suite, Secret.Copy(Root(suite)), 0, RatchetType.Application);
        full.Get(HashRatchet.MaxForwardDistance).Dispose();
        Assert.Equal(HashRatchet.MaxOutOfOrderKeys, full.OutOfOrderKeyCount);

        var bytes = SavedState.Save(full);
        using (var restored = SavedState.RestoreRatchet(suite, bytes))
        {
            Assert.Equal(HashRatchet.MaxOutOfOrderKeys, restored.OutOfOrderKeyCount);
            Assert.Equal(bytes, SavedState.Save(restored));
        }

        var tooMany = Enumerable.Range(0, HashRatchet.MaxOutOfOrderKeys + 1).Select(g => ((uint)g, new byte[16], new byte[12])).ToArray();
        AssertRatchetState(suite, DecodeError.LengthOutOfRange, 2000, new byte[32], tooMany);
        AssertRatchetState(suite, null, 2000, new byte[32], tooMany[..HashRatchet.MaxOutOfOrderKeys]);
    }

    [Fact]
    public void Bad_ratchet_states_are_DecodeExceptions()
    {
        var suite = CipherSuite.Suite1;
        var secret = new byte[32];
        (uint, byte[], byte[]) Kept(uint generation, int keySize = 16, int nonceSize = 12) => (generation, new byte[keySize], new byte[nonceSize]);

        AssertRatchetState(suite, DecodeError.InvalidValue, HashRatchet.EndOfGenerations + 1, null, []);
        AssertRatchetState(suite, DecodeError.InvalidValue, ulong.MaxValue, null, []);
        AssertRatchetState(suite, DecodeError.LengthOutOfRange, 5, new byte[31], []);
        AssertRatchetState(suite, DecodeError.LengthOutOfRange, 5, new byte[33], []);
        AssertRatchetState(suite, DecodeError.InvalidValue, 5, secret, [Kept(5)]);
        AssertRatchetState(suite, DecodeError.InvalidValue, 5, secret, [Kept(2), Kept(1)]);
        AssertRatchetState(suite, DecodeError.InvalidValue, 5, secret, [Kept(2), Kept(2)]);
        AssertRatchetState(suite, DecodeError.LengthOutOfRange, 5, secret, [Kept(1, keySize: 32)]);
        AssertRatchetState(suite, DecodeError.LengthOutOfRange, 5, secret, [Kept(1, nonceSize: 11)]);
        AssertRatchetState(CipherSuite.Suite3, DecodeError.LengthOutOfRange, 5, secret, [Kept(1)]);

        // The well-formed neighbours of those are accepted.
        AssertRatchetState(suite, null, HashRatchet.EndOfGenerations, null, [Kept(uint.MaxValue)]);
        AssertRatchetState(suite, null, 5, secret, [Kept(0), Kept(4)]);
        AssertRatchetState(CipherSuite.Suite3, null, 5, secret, [Kept(1, keySize: 32)]);
    }

    [Fact]
    public void Bad_tree_states_are_DecodeExceptions()
    {
        var suite = CipherSuite.Suite1;
        var secret = new byte[32];
        var ratchets = Ratchets(both: true);

        // Leaf count.
        AssertTreeState(DecodeError.InvalidValue, 0, [], []);
        AssertTreeState(DecodeError.InvalidValue, 3, [(0, secret)], [[], [], []]);
        AssertTreeState(DecodeError.Truncated, 1u << 20, [(0, secret)], [[], []]);

        // Node secrets: inside the tree, ascending, KDF.Nh bytes.
        AssertTreeState(DecodeError.InvalidValue, 2, [(3, secret)], [[], []]);
        AssertTreeState(DecodeError.InvalidValue, 2, [(2, secret), (0, secret)], [[], []]);
        AssertTreeState(DecodeError.InvalidValue, 2, [(0, secret), (0, secret)], [[], []]);
        AssertTreeState(DecodeError.LengthOutOfRange, 2, [(1, new byte[16])], [[], []]);

        // Every leaf covered exactly once by its ratchets or one held secret on its path.
        AssertTreeState(DecodeError.InvalidValue, 2, [], [[], []]);
        AssertTreeState(DecodeError.InvalidValue, 2, [(0, secret)], [[], []]);
        AssertTreeState(DecodeError.InvalidValue, 2, [(0, secret), (1, secret)], [[], []]);
        AssertTreeState(DecodeError.InvalidValue, 2, [(1, secret)], [ratchets, []]);
        AssertTreeState(DecodeError.InvalidValue, 2, [(0, secret), (2, secret)], [ratchets, []]);
        AssertTreeState(DecodeError.InvalidValue, 4, [(1, secret), (4, secret)], [[], [], [], []]);

        // A leaf has both ratchets or neither; presence markers are 0 or 1; exactly leaf_count leaves.
        AssertTreeState(DecodeError.InvalidValue, 2, [(0, secret)], [[], Ratchets(both: false)]);
        AssertTreeState(DecodeError.InvalidValue, 2, [(0, secret)], [[], [2, 0]]);
        AssertTreeState(DecodeError.TrailingBytes, 2, [(0, secret)], [[], ratchets, [0]]);
        AssertTreeState(DecodeError.Truncated, 2, [(0, secret), (2, secret)], [[0, 0]]);

        // The well-formed neighbours of those are accepted.
        AssertTreeState(null, 2, [(1, secret)], [[], []]);
        AssertTreeState(null, 2, [(0, secret), (2, secret)], [[], []]);
        AssertTreeState(null, 2, [(0, secret)], [[], ratchets]);
        AssertTreeState(null, 4, [(1, secret), (4, secret), (6, secret)], [[], [], [], []]);
        AssertTreeState(null, 1, [], [ratchets]);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Truncated_or_mutated_state_is_rejected_only_with_DecodeException(CipherSuiteId id)
    {
        var suite = CipherSuite.Get(id);
        using var used = UsedTree(suite);
        using var fresh = NewTree(suite, 2);
        using var ratchet = new HashRatchet(suite, Secret.Copy(Root(suite)), 1, RatchetType.Handshake);
        ratchet.Get(3).Dispose();

        byte[] TreeRoundTrip(byte[] input)
        {
            using var tree = SavedState.RestoreTree(suite, input);
            var saved = SavedState.Save(tree);

            // Whatever is accepted is a tree that works: a request yields a key or a SecretTreeException.
            for (var leaf = 0u; leaf < tree.LeafCount; leaf++)
            {
                Outcome(() => tree.GetReceiveKey(leaf, RatchetType.Handshake, 1));
                Outcome(() => tree.NextSendKey(leaf, RatchetType.Application));
            }

            return saved;
        }

        byte[] RatchetRoundTrip(byte[] input)
        {
            using var restored = SavedState.RestoreRatchet(suite, input);
            return SavedState.Save(restored);
        }

        var seeds = new (string Name, byte[] Bytes, SavedState.RoundTrip RoundTrip)[]
        {
            ("used tree", SavedState.Save(used), TreeRoundTrip),
            ("fresh tree", SavedState.Save(fresh), TreeRoundTrip),
            ("ratchet", SavedState.Save(ratchet), RatchetRoundTrip),
        };
        foreach (var (name, bytes, roundTrip) in seeds)
        {
            var (decoded, rejected) = SavedState.Fuzz(bytes, roundTrip, mutations: 1500, randomSeed: (int)id * 7919);
            output.WriteLine($"{id} {name}: {bytes.Length} bytes, {decoded} decoded, {rejected} rejected");
            Assert.True(decoded > 0, $"{name}: the seed itself must decode");
            Assert.True(rejected > bytes.Length, $"{name}: every truncation must be rejected");
        }
    }

    [Fact]
    public void Disposed_tree_cannot_be_saved()
    {
        var tree = NewTree(CipherSuite.Suite1, 2);
        tree.Dispose();
        Assert.Throws<ObjectDisposedException>(() => tree.WriteTo(new TlsWriter()));
        Assert.Throws<ObjectDisposedException>(() => tree.EncodedLength);
    }

    /// <summary>
    /// An 8-leaf tree after some traffic: leaf 2's application ratchet received 5 (keeping 0..4) and
    /// then 2; leaf 5 sent three handshake messages; leaf 6 received application 1 and handshake 0.
    /// Leaves 0, 1, 3, 4 and 7 are still covered by node secrets.
    /// </summary>
    private static EncryptionSecretTree UsedTree(CipherSuite suite)
    {
        var tree = NewTree(suite, 8);
        tree.GetReceiveKey(2, RatchetType.Application, 5).Dispose();
        tree.GetReceiveKey(2, RatchetType.Application, 2).Dispose();
        for (var i = 0; i < 3; i++)
        {
            tree.NextSendKey(5, RatchetType.Handshake).Dispose();
        }

        tree.GetReceiveKey(6, RatchetType.Application, 1).Dispose();
        tree.GetReceiveKey(6, RatchetType.Handshake, 0).Dispose();
        return tree;
    }

    private static EncryptionSecretTree NewTree(CipherSuite suite, uint leafCount)
    {
        using var encryptionSecret = Secret.Copy(Root(suite));
        return new EncryptionSecretTree(suite, encryptionSecret, leafCount);
    }

    /// <summary>A fixed series of requests over every leaf and ratchet; each outcome is the key or the refusal.</summary>
    private static List<string> Requests(EncryptionSecretTree tree)
    {
        var outcomes = new List<string>();
        for (var leaf = 0u; leaf < tree.LeafCount; leaf++)
        {
            foreach (var type in new[] { RatchetType.Handshake, RatchetType.Application })
            {
                foreach (var generation in new uint[] { 4, 0, 1, 2, 3, 4, 5, 6, 9, 7, 8, 12, 11, 10, 2000 })
                {
                    outcomes.Add(Outcome(() => tree.GetReceiveKey(leaf, type, generation)));
                }

                outcomes.Add(Outcome(() => tree.NextSendKey(leaf, type)));
            }
        }

        return outcomes;
    }

    private static string Outcome(Func<MessageKey> request)
    {
        try
        {
            using var key = request();
            return $"{key.Generation}:{Convert.ToHexString(key.Key.Span)}:{Convert.ToHexString(key.Nonce.Span)}";
        }
        catch (SecretTreeException e)
        {
            return e.Reason.ToString();
        }
    }

    private static void AssertSameKey(MessageKey expected, MessageKey actual)
    {
        Assert.Equal(expected.Generation, actual.Generation);
        Assert.True(expected.Key.ContentEquals(actual.Key));
        Assert.True(expected.Nonce.ContentEquals(actual.Nonce));
    }

    /// <summary>The bytes of a <c>LeafRatchets</c>: both ratchets fresh, or the handshake one only.</summary>
    private static byte[] Ratchets(bool both)
    {
        var writer = new TlsWriter();
        writer.WriteUInt8(1);
        WriteRatchet(writer, 0, new byte[32], []);
        writer.WriteUInt8(both ? (byte)1 : (byte)0);
        if (both)
        {
            WriteRatchet(writer, 0, new byte[32], []);
        }

        return writer.ToArray();
    }

    /// <summary>A <c>HashRatchetState</c> as documented on <see cref="HashRatchet"/>, built by hand.</summary>
    private static void WriteRatchet(TlsWriter writer, ulong nextGeneration, byte[]? secret, (uint Generation, byte[] Key, byte[] Nonce)[] kept)
    {
        writer.WriteUInt64(nextGeneration);
        if (secret is not null)
        {
            writer.WriteOpaque(secret);
        }

        writer.WriteVector(w =>
        {
            foreach (var (generation, key, nonce) in kept)
            {
                w.WriteUInt32(generation);
                w.WriteOpaque(key);
                w.WriteOpaque(nonce);
            }
        });
    }

    /// <summary>Reads a hand-built ratchet state: expects <paramref name="reason"/>, or acceptance and a canonical re-encoding when it is null.</summary>
    private static void AssertRatchetState(CipherSuite suite, DecodeError? reason, ulong nextGeneration, byte[]? secret, (uint, byte[], byte[])[] kept)
    {
        var writer = new TlsWriter();
        WriteRatchet(writer, nextGeneration, secret, kept);
        var bytes = writer.ToArray();
        AssertDecodes(reason, bytes, () =>
        {
            using var ratchet = SavedState.RestoreRatchet(suite, bytes);
            return SavedState.Save(ratchet);
        });
    }

    /// <summary>Reads a hand-built tree state: expects <paramref name="reason"/>, or acceptance and a canonical re-encoding when it is null.</summary>
    private static void AssertTreeState(DecodeError? reason, uint leafCount, (uint Node, byte[] Secret)[] nodes, byte[][] leaves)
    {
        var writer = new TlsWriter();
        writer.WriteUInt32(leafCount);
        writer.WriteVector(w =>
        {
            foreach (var (node, secret) in nodes)
            {
                w.WriteUInt32(node);
                w.WriteOpaque(secret);
            }
        });
        writer.WriteVector(w =>
        {
            foreach (var leaf in leaves)
            {
                w.WriteFixed(leaf.Length == 0 ? new byte[2] : leaf);
            }
        });
        var bytes = writer.ToArray();
        AssertDecodes(reason, bytes, () =>
        {
            using var tree = SavedState.RestoreTree(CipherSuite.Suite1, bytes);
            return SavedState.Save(tree);
        });
    }

    private static void AssertDecodes(DecodeError? reason, byte[] bytes, Func<byte[]> roundTrip)
    {
        if (reason is null)
        {
            Assert.Equal(bytes, roundTrip());
        }
        else
        {
            Assert.Equal(reason, Assert.Throws<DecodeException>(() => roundTrip()).Reason);
        }
    }
}
