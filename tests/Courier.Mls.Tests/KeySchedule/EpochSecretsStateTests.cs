using Courier.Mls.Codec;
using Courier.Mls.Crypto;
using Courier.Mls.KeySchedule;
using Courier.Mls.Messages;
using Courier.Mls.SecretTree;
using Courier.Mls.Tests.SecretTree;
using Xunit.Abstractions;

namespace Courier.Mls.Tests.KeySchedule;

/// <summary>
/// The saved state of <see cref="EpochSecrets"/>: canonical, restores to an epoch that behaves the
/// same (exporter, secret tree, what is held and what is wiped), holds no secret already wiped,
/// and rejects bad bytes only with <see cref="DecodeException"/>.
/// </summary>
public class EpochSecretsStateTests(ITestOutputHelper output)
{

    public static TheoryData<CipherSuiteId> Suites() => TestSuites.All();

    // Each secret is opaque<V>: a 1-byte length below 64 bytes, 2 bytes from 64 (RFC 9000 §16 varint).
    private static int Opaque(CipherSuite suite) => (suite.HashSize < 64 ? 1 : 2) + suite.HashSize;

    private static int AlwaysHeldLength(CipherSuite suite) => 8 * Opaque(suite);

    [Theory]
    [MemberData(nameof(Suites))]
    public void Restored_epoch_has_the_same_secrets_exporter_and_secret_tree(CipherSuiteId id)
    {
        var suite = CipherSuite.Get(id);
        using var original = NewEpoch(suite);
        var bytes = SavedState.Save(original);
        Assert.Equal(AlwaysHeldLength(suite) + (3 * (1 + Opaque(suite))), bytes.Length);

        using var restored = SavedState.RestoreEpoch(suite, bytes);
        Assert.Equal(bytes, SavedState.Save(restored));
        Assert.Same(suite, restored.Suite);
        foreach (var (saved, back) in All(original).Zip(All(restored)))
        {
            Assert.False(ReferenceEquals(saved, back));
            Assert.True(saved.ContentEquals(back));
        }

        using (var exported = original.Export("courier test", [1, 2, 3], 48))
        using (var exportedAgain = restored.Export("courier test", [1, 2, 3], 48))
        {
            Assert.True(exported.ContentEquals(exportedAgain));
        }

        using var tree = original.CreateSecretTree(4);
        using var restoredTree = restored.CreateSecretTree(4);
        Assert.True(restored.EncryptionSecret.IsDisposed);
        Assert.Equal(SavedState.Save(tree), SavedState.Save(restoredTree));
        for (var leaf = 0u; leaf < 4; leaf++)
        {
            using var key = tree.GetReceiveKey(leaf, RatchetType.Application, leaf + 1);
            using var restoredKey = restoredTree.GetReceiveKey(leaf, RatchetType.Application, leaf + 1);
            Assert.True(key.Key.ContentEquals(restoredKey.Key));
            Assert.True(key.Nonce.ContentEquals(restoredKey.Nonce));
        }
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Secrets_wiped_after_use_are_saved_as_absent_and_restored_wiped(CipherSuiteId id)
    {
        var suite = CipherSuite.Get(id);
        using var original = NewEpoch(suite);
        var encryptionSecret = original.EncryptionSecret.Export();
        var joinerSecret = original.JoinerSecret.Export();
        var welcomeSecret = original.WelcomeSecret.Export();

        original.CreateSecretTree(2).Dispose();
        var afterTree = SavedState.Save(original);
        Assert.Equal(AlwaysHeldLength(suite) + 1 + (2 * (1 + Opaque(suite))), afterTree.Length);
        Assert.Equal(0, afterTree[AlwaysHeldLength(suite)]);
        Assert.False(SavedState.Contains(afterTree, encryptionSecret));
        Assert.True(SavedState.Contains(afterTree, joinerSecret));

        original.ForgetJoinerSecrets();
        var bytes = SavedState.Save(original);
        Assert.Equal(AlwaysHeldLength(suite) + 3, bytes.Length);
        Assert.Equal([0, 0, 0], bytes[AlwaysHeldLength(suite)..]);
        Assert.All(new[] { encryptionSecret, joinerSecret, welcomeSecret }, secret => Assert.False(SavedState.Contains(bytes, secret)));
        Assert.All(All(original).Where(s => !s.IsDisposed), secret => Assert.True(SavedState.Contains(bytes, secret.Span)));

        using var restored = SavedState.RestoreEpoch(suite, bytes);
        Assert.Equal(bytes, SavedState.Save(restored));
        Assert.True(restored.EncryptionSecret.IsDisposed);
        Assert.True(restored.JoinerSecret.IsDisposed);
        Assert.True(restored.WelcomeSecret.IsDisposed);
        Assert.Throws<InvalidOperationException>(() => restored.CreateSecretTree(2));
        restored.ForgetJoinerSecrets();
        Assert.True(restored.InitSecret.ContentEquals(original.InitSecret));
        using var exported = original.Export("after", [], 16);
        using var exportedAgain = restored.Export("after", [], 16);
        Assert.True(exported.ContentEquals(exportedAgain));

        // Only the joiner secrets forgotten: the epoch can still create its secret tree.
        using var other = NewEpoch(suite);
        other.ForgetJoinerSecrets();
        using var restoredOther = SavedState.RestoreEpoch(suite, SavedState.Save(other));
        Assert.False(restoredOther.EncryptionSecret.IsDisposed);
        Assert.True(restoredOther.EncryptionSecret.ContentEquals(encryptionSecret));
        using (restoredOther.CreateSecretTree(2))
        {
        }
    }

    [Fact]
    public void Bad_epoch_states_are_DecodeExceptions()
    {
        var suite = CipherSuite.Suite1;
        using var epoch = NewEpoch(suite);
        var bytes = SavedState.Save(epoch);

        AssertRejected(DecodeError.Truncated, bytes[..^1]);
        AssertRejected(DecodeError.Truncated, bytes[..AlwaysHeldLength(suite)]);
        AssertRejected(DecodeError.TrailingBytes, [.. bytes, 0]);

        // A presence marker other than 0 or 1.
        var marker = (byte[])bytes.Clone();
        marker[AlwaysHeldLength(suite)] = 2;
        AssertRejected(DecodeError.InvalidValue, marker);

        // A secret of the wrong size, first and last.
        var shortFirst = (byte[])bytes.Clone();
        shortFirst[0] = (byte)(suite.HashSize - 1);
        AssertRejected(DecodeError.LengthOutOfRange, shortFirst);
        var longLast = bytes[..^suite.HashSize].Concat(new byte[suite.HashSize + 1]).ToArray();
        longLast[^(suite.HashSize + 2)] = (byte)(suite.HashSize + 1);
        AssertRejected(DecodeError.LengthOutOfRange, longLast);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Truncated_or_mutated_state_is_rejected_only_with_DecodeException(CipherSuiteId id)
    {
        var suite = CipherSuite.Get(id);
        using var full = NewEpoch(suite);
        using var used = NewEpoch(suite);
        used.CreateSecretTree(1).Dispose();

        byte[] RoundTrip(byte[] input)
        {
            using var restored = SavedState.RestoreEpoch(suite, input);
            var saved = SavedState.Save(restored);

            // Whatever is accepted is an epoch that works.
            using (restored.Export("x", [], 8))
            {
            }

            if (!restored.EncryptionSecret.IsDisposed)
            {
                restored.CreateSecretTree(2).Dispose();
            }

            return saved;
        }

        foreach (var (name, epoch) in new[] { ("full", full), ("without encryption_secret", used) })
        {
            var bytes = SavedState.Save(epoch);
            var (decoded, rejected) = SavedState.Fuzz(bytes, RoundTrip, mutations: 2000, randomSeed: (int)id * 104729);
            output.WriteLine($"{id} {name}: {bytes.Length} bytes, {decoded} decoded, {rejected} rejected");
            Assert.True(decoded > 0, $"{name}: the seed itself must decode");
            Assert.True(rejected > bytes.Length, $"{name}: every truncation must be rejected");
        }
    }

    [Fact]
    public void Epoch_missing_a_secret_it_keeps_cannot_be_saved()
    {
        var epoch = NewEpoch(CipherSuite.Suite1);
        epoch.ExporterSecret.Dispose();
        Assert.Throws<InvalidOperationException>(() => epoch.WriteTo(new TlsWriter()));
        epoch.Dispose();
        Assert.Throws<ObjectDisposedException>(() => epoch.WriteTo(new TlsWriter()));
        Assert.Throws<ObjectDisposedException>(() => epoch.EncodedLength);
    }

    private static void AssertRejected(DecodeError reason, byte[] bytes)
        => Assert.Equal(reason, Assert.Throws<DecodeException>(() => SavedState.RestoreEpoch(CipherSuite.Suite1, bytes).Dispose()).Reason);

    private static Secret[] All(EpochSecrets e) =>
    [
        e.JoinerSecret, e.WelcomeSecret, e.SenderDataSecret, e.EncryptionSecret, e.ExporterSecret, e.ExternalSecret,
        e.ConfirmationKey, e.MembershipKey, e.ResumptionPsk, e.EpochAuthenticator, e.InitSecret,
    ];

    private static EpochSecrets NewEpoch(CipherSuite suite)
    {
        using var init = Secret.Copy(Enumerable.Repeat((byte)1, suite.HashSize).ToArray());
        using var commit = Secret.Copy(Enumerable.Repeat((byte)2, suite.HashSize).ToArray());
        var context = new GroupContext((ushort)suite.Id, [0xAA, 0xBB], 7, new byte[suite.HashSize], new byte[suite.HashSize], []);
        return EpochSecrets.FromInitSecret(suite, init, commit, null, context);
    }
}
