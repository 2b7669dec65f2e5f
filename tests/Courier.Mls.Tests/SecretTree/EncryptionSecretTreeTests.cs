using Courier.Mls.Crypto;
using Courier.Mls.SecretTree;

namespace Courier.Mls.Tests.SecretTree;

public class EncryptionSecretTreeTests
{
    private static readonly CipherSuite Suite = CipherSuite.Suite1;

    [Fact]
    public void Used_key_is_no_longer_yielded_and_every_secret_let_go_is_wiped()
    {
        using var tree = NewTree(4);
        var before = tree.HeldSecrets.ToList();

        var key = tree.GetReceiveKey(2, RatchetType.Application, 0);
        key.Dispose();
        Assert.True(key.IsDisposed);

        var error = Assert.Throws<SecretTreeException>(() => tree.GetReceiveKey(2, RatchetType.Application, 0));
        Assert.Equal(SecretTreeError.GenerationConsumed, error.Reason);
        Assert.Equal(2u, error.LeafIndex);
        Assert.Equal(0UL, error.Generation);
        AssertDeletedSecretsAreWiped(before, tree);

        // Root and the node on leaf 2's path are gone; leaf 2's sibling (node 6), the left
        // subtree (node 1) and the two ratchet secrets of leaf 2 remain.
        Assert.Single(before);
        Assert.True(before[0].IsDisposed);
        Assert.Equal(4, tree.HeldSecrets.Count());

        // The next generation replaces the application ratchet secret and wipes the old one.
        var afterFirst = tree.HeldSecrets.ToList();
        tree.GetReceiveKey(2, RatchetType.Application, 1).Dispose();
        AssertDeletedSecretsAreWiped(afterFirst, tree);
        Assert.Single(afterFirst, s => s.IsDisposed);
        Assert.Equal(4, tree.HeldSecrets.Count());
    }

    [Fact]
    public void Sender_and_receiver_derive_the_same_keys_and_neither_repeats_one()
    {
        using var sender = NewTree(8);
        using var receiver = NewTree(8);
        for (var generation = 0u; generation < 5; generation++)
        {
            var held = sender.HeldSecrets.ToList();
            using var sent = sender.NextSendKey(5, RatchetType.Handshake);
            AssertDeletedSecretsAreWiped(held, sender);
            using var received = receiver.GetReceiveKey(5, RatchetType.Handshake, generation);
            Assert.Equal(generation, sent.Generation);
            Assert.True(sent.Key.ContentEquals(received.Key));
            Assert.True(sent.Nonce.ContentEquals(received.Nonce));
            Assert.Equal(Suite.Aead.KeySize, sent.Key.Length);
            Assert.Equal(Suite.Aead.NonceSize, sent.Nonce.Length);
        }

        // The sender's own ratchet is the one it would receive on: a sent generation is consumed.
        var error = Assert.Throws<SecretTreeException>(() => sender.GetReceiveKey(5, RatchetType.Handshake, 4));
        Assert.Equal(SecretTreeError.GenerationConsumed, error.Reason);
    }

    [Fact]
    public void Leaves_and_ratchets_have_distinct_keys()
    {
        using var tree = NewTree(4);
        var keys = new List<MessageKey>();
        try
        {
            for (var leaf = 0u; leaf < 4; leaf++)
            {
                keys.Add(tree.GetReceiveKey(leaf, RatchetType.Handshake, 0));
                keys.Add(tree.GetReceiveKey(leaf, RatchetType.Application, 0));
                keys.Add(tree.GetReceiveKey(leaf, RatchetType.Application, 1));
            }

            Assert.Equal(keys.Count, keys.Select(k => Convert.ToHexString(k.Key.Span)).Distinct().Count());
            Assert.Equal(keys.Count, keys.Select(k => Convert.ToHexString(k.Nonce.Span)).Distinct().Count());
            Assert.DoesNotContain(tree.HeldSecrets, s => keys.Any(k => ReferenceEquals(k.Key, s) || ReferenceEquals(k.Nonce, s)));
        }
        finally
        {
            keys.ForEach(k => k.Dispose());
        }
    }

    [Fact]
    public void Skipped_generation_is_retrievable_once_and_then_gone()
    {
        using var tree = NewTree(2);
        using var reference = NewTree(2);

        using (tree.GetReceiveKey(1, RatchetType.Application, 5))
        {
        }

        var held = tree.HeldSecrets.ToList();
        using (var skipped = tree.GetReceiveKey(1, RatchetType.Application, 2))
        {
            using var expected = reference.GetReceiveKey(1, RatchetType.Application, 2);
            Assert.Equal(2u, skipped.Generation);
            Assert.True(skipped.Key.ContentEquals(expected.Key));
            Assert.True(skipped.Nonce.ContentEquals(expected.Nonce));
        }

        Assert.Equal(held.Count - 2, tree.HeldSecrets.Count());
        AssertDeletedSecretsAreWiped(held, tree);
        Assert.Equal(SecretTreeError.GenerationConsumed, Assert.Throws<SecretTreeException>(() => tree.GetReceiveKey(1, RatchetType.Application, 2)).Reason);
        Assert.Equal(SecretTreeError.GenerationConsumed, Assert.Throws<SecretTreeException>(() => tree.GetReceiveKey(1, RatchetType.Application, 5)).Reason);

        // The other skipped ones are still there, once each; the handshake ratchet is untouched.
        foreach (var generation in new uint[] { 4, 0, 3, 1 })
        {
            using var key = tree.GetReceiveKey(1, RatchetType.Application, generation);
            Assert.Equal(generation, key.Generation);
        }

        using (var handshake = tree.GetReceiveKey(1, RatchetType.Handshake, 0))
        {
            Assert.Equal(0u, handshake.Generation);
        }

        using var next = tree.GetReceiveKey(1, RatchetType.Application, 6);
        Assert.Equal(6u, next.Generation);
    }

    [Fact]
    public void Generation_beyond_the_forward_limit_is_refused_without_moving_the_ratchet()
    {
        using var tree = NewTree(2);
        var before = tree.HeldSecrets.ToList();
        var error = Assert.Throws<SecretTreeException>(() => tree.GetReceiveKey(0, RatchetType.Application, HashRatchet.MaxForwardDistance + 1));
        Assert.Equal(SecretTreeError.GenerationTooFarAhead, error.Reason);
        Assert.Equal((ulong)HashRatchet.MaxForwardDistance + 1, error.Generation);

        var farthest = tree.GetReceiveKey(0, RatchetType.Application, HashRatchet.MaxForwardDistance);
        farthest.Dispose();
        AssertDeletedSecretsAreWiped(before, tree);

        // The limit counts from the ratchet's new position.
        using (tree.GetReceiveKey(0, RatchetType.Application, (2 * HashRatchet.MaxForwardDistance) + 1))
        {
        }

        Assert.Equal(
            SecretTreeError.GenerationTooFarAhead,
            Assert.Throws<SecretTreeException>(() => tree.GetReceiveKey(0, RatchetType.Application, (3 * HashRatchet.MaxForwardDistance) + 3)).Reason);
        Assert.Equal(
            SecretTreeError.GenerationTooFarAhead,
            Assert.Throws<SecretTreeException>(() => tree.GetReceiveKey(0, RatchetType.Handshake, uint.MaxValue)).Reason);
    }

    [Fact]
    public void Kept_out_of_order_keys_are_bounded_and_the_oldest_are_wiped_first()
    {
        var ratchet = new HashRatchet(Suite, Secret.Copy(new byte[CipherSuite.Suite1.HashSize]), 0, RatchetType.Application);
        using (ratchet)
        {
            ratchet.Get(HashRatchet.MaxForwardDistance).Dispose();
            Assert.Equal(HashRatchet.MaxOutOfOrderKeys, ratchet.OutOfOrderKeyCount);
            var held = ratchet.HeldSecrets.ToList();

            ratchet.Get(2 * HashRatchet.MaxForwardDistance).Dispose();
            Assert.Equal(HashRatchet.MaxOutOfOrderKeys, ratchet.OutOfOrderKeyCount);
            AssertWiped(held, ratchet.HeldSecrets);

            // 1024 + 1023 skipped keys: generations 0 .. 1022 were dropped to make room; 1023 is the oldest kept.
            Assert.Equal(SecretTreeError.GenerationConsumed, Assert.Throws<SecretTreeException>(() => ratchet.Get(0)).Reason);
            Assert.Equal(SecretTreeError.GenerationConsumed, Assert.Throws<SecretTreeException>(() => ratchet.Get(HashRatchet.MaxForwardDistance - 2)).Reason);
            ratchet.Get(HashRatchet.MaxForwardDistance - 1).Dispose();
            ratchet.Get((2 * HashRatchet.MaxForwardDistance) - 1).Dispose();
        }

        Assert.Equal(0, ratchet.OutOfOrderKeyCount);
    }

    [Fact]
    public void Ratchet_stops_after_the_last_uint32_generation()
    {
        var ratchet = new HashRatchet(Suite, Secret.Copy(new byte[CipherSuite.Suite1.HashSize]), 3, RatchetType.Handshake, uint.MaxValue - 1);
        using (ratchet)
        {
            ratchet.Next().Dispose();
            var last = ratchet.Next();
            Assert.Equal(uint.MaxValue, last.Generation);
            last.Dispose();
            Assert.Empty(ratchet.HeldSecrets);

            var error = Assert.Throws<SecretTreeException>(ratchet.Next);
            Assert.Equal(SecretTreeError.RatchetExhausted, error.Reason);
            Assert.Equal((ulong)uint.MaxValue + 1, error.Generation);
            Assert.Equal(SecretTreeError.GenerationConsumed, Assert.Throws<SecretTreeException>(() => ratchet.Get(uint.MaxValue)).Reason);
        }
    }

    [Fact]
    public void Dispose_wipes_every_held_secret_and_ends_the_tree()
    {
        var tree = NewTree(8);
        using (tree.GetReceiveKey(3, RatchetType.Application, 7))
        {
        }

        var held = tree.HeldSecrets.ToList();
        Assert.NotEmpty(held);
        tree.Dispose();
        Assert.All(held, s => Assert.True(s.IsDisposed));
        Assert.Empty(tree.HeldSecrets);
        Assert.Throws<ObjectDisposedException>(() => tree.NextSendKey(0, RatchetType.Handshake));
    }

    [Fact]
    public void Tree_keeps_its_own_copy_of_the_encryption_secret()
    {
        var encryptionSecret = Secret.Copy(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());
        using var tree = new EncryptionSecretTree(Suite, encryptionSecret, 1);
        encryptionSecret.Dispose();
        using var key = tree.NextSendKey(0, RatchetType.Application);
        Assert.Equal(0u, key.Generation);
    }

    [Fact]
    public void Bad_arguments_are_caller_errors()
    {
        using var secret = Secret.Copy(new byte[CipherSuite.Suite1.HashSize]);
        using var shortSecret = Secret.Copy(new byte[16]);
        Assert.Throws<ArgumentOutOfRangeException>(() => new EncryptionSecretTree(Suite, secret, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EncryptionSecretTree(Suite, secret, 0));
        Assert.Throws<ArgumentException>(() => new EncryptionSecretTree(Suite, shortSecret, 2));
        using var tree = new EncryptionSecretTree(Suite, secret, 4);
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.GetReceiveKey(4, RatchetType.Application, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.NextSendKey(0, (RatchetType)7));
    }

    [Fact]
    public void Sender_data_key_samples_the_first_nh_bytes_of_the_ciphertext()
    {
        using var senderDataSecret = Secret.Copy(Enumerable.Repeat((byte)7, 32).ToArray());
        var ciphertext = Enumerable.Range(0, 48).Select(i => (byte)i).ToArray();
        using var full = SenderDataKey.Derive(CipherSuite.Suite3, senderDataSecret, ciphertext);
        using var sample = SenderDataKey.Derive(CipherSuite.Suite3, senderDataSecret, ciphertext.AsSpan(0, 32));
        using var shorter = SenderDataKey.Derive(CipherSuite.Suite3, senderDataSecret, ciphertext.AsSpan(0, 31));
        Assert.Equal(32, full.Key.Length);
        Assert.Equal(12, full.Nonce.Length);
        Assert.True(full.Key.ContentEquals(sample.Key));
        Assert.True(full.Nonce.ContentEquals(sample.Nonce));
        Assert.False(full.Key.ContentEquals(shorter.Key));
        Assert.False(full.Nonce.ContentEquals(shorter.Nonce));
    }

    private static EncryptionSecretTree NewTree(uint leafCount)
    {
        using var encryptionSecret = Secret.Copy(Enumerable.Range(100, 32).Select(i => (byte)i).ToArray());
        return new EncryptionSecretTree(Suite, encryptionSecret, leafCount);
    }

    /// <summary>Every secret held before but not now was wiped, and nothing still held is wiped.</summary>
    private static void AssertDeletedSecretsAreWiped(List<Secret> before, EncryptionSecretTree tree) => AssertWiped(before, tree.HeldSecrets);

    private static void AssertWiped(List<Secret> before, IEnumerable<Secret> now)
    {
        var held = now.ToHashSet(ReferenceEqualityComparer.Instance);
        foreach (var secret in before.Where(s => !held.Contains(s)))
        {
            Assert.True(secret.IsDisposed, "a secret the tree let go of was not wiped");
        }

        Assert.All(held.Cast<Secret>(), s => Assert.False(s.IsDisposed));
    }
}
