using Courier.Mls.Crypto;
using Courier.Mls.KeySchedule;
using Courier.Mls.Messages;
using Courier.Mls.SecretTree;

namespace Courier.Mls.Tests.KeySchedule;

public class EpochSecretsTests
{
    private static readonly CipherSuite Suite = CipherSuite.Suite1;

    [Fact]
    public void Absent_psk_is_the_all_zero_psk_secret()
    {
        using var init = Fill(1);
        using var commit = Fill(2);
        using var zero = PskSecret.Zero(CipherSuite.Suite1);
        using var none = PskSecret.Derive(Suite, []);
        using var psk = Fill(3);
        using var withNull = EpochSecrets.FromInitSecret(Suite, init, commit, null, Context(Suite, 1));
        using var withZero = EpochSecrets.FromInitSecret(Suite, init, commit, zero, Context(Suite, 1));
        using var withNone = EpochSecrets.FromInitSecret(Suite, init, commit, none, Context(Suite, 1));
        using var withPsk = EpochSecrets.FromInitSecret(Suite, init, commit, psk, Context(Suite, 1));

        Assert.True(zero.ContentEquals(new byte[CipherSuite.Suite1.HashSize]));
        Assert.True(zero.ContentEquals(none));
        Assert.True(withNull.EpochAuthenticator.ContentEquals(withZero.EpochAuthenticator));
        Assert.True(withNull.EpochAuthenticator.ContentEquals(withNone.EpochAuthenticator));
        Assert.True(withNull.JoinerSecret.ContentEquals(withPsk.JoinerSecret));
        Assert.False(withNull.WelcomeSecret.ContentEquals(withPsk.WelcomeSecret));
        Assert.False(withNull.InitSecret.ContentEquals(withPsk.InitSecret));
    }

    [Fact]
    public void Every_epoch_secret_is_distinct_and_depends_on_the_group_context()
    {
        using var init = Fill(1);
        using var commit = Fill(2);
        using var epoch1 = EpochSecrets.FromInitSecret(Suite, init, commit, null, Context(Suite, 1));
        using var epoch2 = EpochSecrets.FromInitSecret(Suite, init, commit, null, Context(Suite, 2));
        Secret[] all =
        [
            epoch1.JoinerSecret, epoch1.WelcomeSecret, epoch1.SenderDataSecret, epoch1.EncryptionSecret, epoch1.ExporterSecret,
            epoch1.ExternalSecret, epoch1.ConfirmationKey, epoch1.MembershipKey, epoch1.ResumptionPsk, epoch1.EpochAuthenticator,
            epoch1.InitSecret,
        ];
        Assert.All(all, s => Assert.Equal(CipherSuite.Suite1.HashSize, s.Length));
        Assert.Equal(all.Length, all.Select(s => Convert.ToHexString(s.Span)).Distinct().Count());
        Assert.False(epoch1.JoinerSecret.ContentEquals(epoch2.JoinerSecret));
        Assert.False(epoch1.EpochAuthenticator.ContentEquals(epoch2.EpochAuthenticator));
    }

    [Fact]
    public void Joiner_path_reaches_the_same_epoch_as_the_members()
    {
        using var init = Fill(1);
        using var commit = Fill(2);
        using var psk = Fill(3);
        var context = Context(Suite, 4);
        using var members = EpochSecrets.FromInitSecret(Suite, init, commit, psk, context);

        using var joinerSecret = members.JoinerSecret.Clone();
        using var welcomeSecret = EpochSecrets.DeriveWelcomeSecret(Suite, joinerSecret, psk);
        using var joiner = EpochSecrets.FromJoinerSecret(Suite, joinerSecret, psk, context);

        Assert.True(welcomeSecret.ContentEquals(members.WelcomeSecret));
        Assert.True(joiner.WelcomeSecret.ContentEquals(members.WelcomeSecret));
        Assert.True(joiner.JoinerSecret.ContentEquals(members.JoinerSecret));
        Assert.True(joiner.ConfirmationKey.ContentEquals(members.ConfirmationKey));
        Assert.True(joiner.InitSecret.ContentEquals(members.InitSecret));
        Assert.False(ReferenceEquals(joiner.JoinerSecret, joinerSecret));

        using var explicitJoiner = EpochSecrets.DeriveJoinerSecret(Suite, init, commit, context);
        Assert.True(explicitJoiner.ContentEquals(members.JoinerSecret));
    }

    [Theory]
    [InlineData(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, 16)]
    [InlineData(CipherSuiteId.MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519, 32)]
    public void Welcome_key_and_nonce_have_the_aead_sizes(CipherSuiteId id, int keySize)
    {
        var suite = CipherSuite.Get(id);
        using var welcomeSecret = Fill(9);
        using var key = EpochSecrets.DeriveWelcomeKey(suite, welcomeSecret);
        using var nonce = EpochSecrets.DeriveWelcomeNonce(suite, welcomeSecret);
        Assert.Equal(keySize, key.Length);
        Assert.Equal(12, nonce.Length);
        Assert.False(key.Span[..12].SequenceEqual(nonce.Span));
    }

    [Fact]
    public void Exporter_separates_labels_contexts_and_lengths()
    {
        using var secrets = NewEpoch();
        using var a = secrets.Export("label a", [1, 2, 3], 32);
        using var b = secrets.Export("label b", [1, 2, 3], 32);
        using var c = secrets.Export("label a", [1, 2, 4], 32);
        using var d = secrets.Export("label a", [1, 2, 3], 16);
        using var again = secrets.Export("label a", [1, 2, 3], 32);
        Assert.True(a.ContentEquals(again));
        Assert.False(a.ContentEquals(b));
        Assert.False(a.ContentEquals(c));
        Assert.Equal(16, d.Length);
        Assert.False(a.Span[..16].SequenceEqual(d.Span));

        using var longest = secrets.Export("x", [], secrets.MaxExportLength);
        Assert.Equal(255 * 32, longest.Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => secrets.Export("x", [], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => secrets.Export("x", [], secrets.MaxExportLength + 1));
    }

    [Fact]
    public void Creating_the_secret_tree_wipes_the_encryption_secret()
    {
        using var secrets = NewEpoch();
        using var reference = new EncryptionSecretTree(Suite, secrets.EncryptionSecret, 4);
        var encryptionSecret = secrets.EncryptionSecret;

        using var tree = secrets.CreateSecretTree(4);
        Assert.True(encryptionSecret.IsDisposed);
        Assert.Throws<InvalidOperationException>(() => secrets.CreateSecretTree(4));

        using var key = tree.GetReceiveKey(3, RatchetType.Application, 2);
        using var expected = reference.GetReceiveKey(3, RatchetType.Application, 2);
        Assert.True(key.Key.ContentEquals(expected.Key));
        Assert.False(secrets.SenderDataSecret.IsDisposed);
    }

    [Fact]
    public void Forgetting_joiner_secrets_and_disposing_wipe_what_they_say()
    {
        var secrets = NewEpoch();
        secrets.ForgetJoinerSecrets();
        Assert.True(secrets.JoinerSecret.IsDisposed);
        Assert.True(secrets.WelcomeSecret.IsDisposed);
        Assert.False(secrets.InitSecret.IsDisposed);
        using (secrets.Export("still works", [], 8))
        {
        }

        var held = new[] { secrets.SenderDataSecret, secrets.EncryptionSecret, secrets.ExporterSecret, secrets.ExternalSecret, secrets.ConfirmationKey, secrets.MembershipKey, secrets.ResumptionPsk, secrets.EpochAuthenticator, secrets.InitSecret };
        secrets.Dispose();
        Assert.All(held, s => Assert.True(s.IsDisposed));
        Assert.Throws<ObjectDisposedException>(() => secrets.Export("x", [], 8));
        Assert.Throws<ObjectDisposedException>(() => secrets.CreateSecretTree(1));
    }

    [Fact]
    public void Inputs_are_checked()
    {
        using var good = Fill(1);
        using var shortSecret = Secret.Copy(new byte[16]);
        Assert.Throws<ArgumentException>(() => EpochSecrets.FromInitSecret(Suite, shortSecret, good, null, Context(Suite, 1)));
        Assert.Throws<ArgumentException>(() => EpochSecrets.FromInitSecret(Suite, good, shortSecret, null, Context(Suite, 1)));
        Assert.Throws<ArgumentException>(() => EpochSecrets.FromInitSecret(Suite, good, good, shortSecret, Context(Suite, 1)));
        Assert.Throws<ArgumentException>(() => EpochSecrets.FromJoinerSecret(Suite, shortSecret, null, Context(Suite, 1)));
        Assert.Throws<ArgumentException>(() => EpochSecrets.FromJoinerSecret(Suite, good, null, Context(CipherSuite.Suite3, 1)));
        Assert.Throws<ArgumentNullException>(() => EpochSecrets.FromJoinerSecret(Suite, good, null, null!));
    }

    private static EpochSecrets NewEpoch()
    {
        using var init = Fill(1);
        using var commit = Fill(2);
        return EpochSecrets.FromInitSecret(Suite, init, commit, null, Context(Suite, 1));
    }

    private static Secret Fill(byte value) => Secret.Copy(Enumerable.Repeat(value, CipherSuite.Suite1.HashSize).ToArray());

    private static GroupContext Context(CipherSuite suite, ulong epoch)
        => new((ushort)suite.Id, [0xAA, 0xBB], epoch, new byte[32], new byte[32], []);
}
