using Courier.Mls.Crypto;
using Courier.Mls.Group;
using Courier.Mls.KeySchedule;
using Courier.Mls.Messages;
using Courier.Mls.TranscriptHash;

namespace Courier.Mls.Tests.Group;

/// <summary>
/// A committer at leaf 0 starting epoch 3 of a group, with a signed GroupInfo for that epoch, and
/// two joiners (alice, bob) with KeyPackageBundles. Owns and disposes every key and secret.
/// </summary>
internal sealed class WelcomeFixture : IDisposable
{
    public const ulong NotBefore = 1_700_000_000;
    public const ulong NotAfter = 1_800_000_000;

    public WelcomeFixture(CipherSuiteId suiteId)
    {
        Suite = CipherSuite.Get(suiteId);
        Committer = SignaturePrivateKey.Generate(SystemRandom.Instance, suiteId);
        JoinerSigner = SignaturePrivateKey.Generate(SystemRandom.Instance, suiteId);
        Alice = NewBundle(suiteId, "alice"u8);
        Bob = NewBundle(suiteId, "bob"u8);
        Carol = NewBundle(suiteId, "carol"u8);
        JoinerSecret = Secret.Copy(RandomBytes(Suite.HashSize));
        Context = new GroupContext((ushort)suiteId, "courier-group"u8.ToArray(), 3, RandomBytes(Suite.HashSize), RandomBytes(Suite.HashSize), []);
        GroupInfo = SignedGroupInfo(Context, confirmationTag: null);
    }

    public CipherSuite Suite { get; }

    public SignaturePrivateKey Committer { get; }

    public SignaturePrivateKey JoinerSigner { get; }

    public KeyPackageBundle Alice { get; }

    public KeyPackageBundle Bob { get; }

    /// <summary>A joiner no Welcome of the fixture is for.</summary>
    public KeyPackageBundle Carol { get; }

    public Secret JoinerSecret { get; }

    public GroupContext Context { get; }

    /// <summary>Signed by <see cref="Committer"/> with the correct confirmation tag for a Welcome without PSKs.</summary>
    public GroupInfo GroupInfo { get; }

    public static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        SystemRandom.Instance.Fill(bytes);
        return bytes;
    }

    public KeyPackageBundle NewBundle(CipherSuiteId suiteId, ReadOnlySpan<byte> identity)
        => KeyPackageBundle.Generate(suiteId, identity, JoinerSigner, NotBefore, NotAfter, SystemRandom.Instance);

    /// <summary>
    /// A GroupInfo for <paramref name="context"/> signed by the committer, with an external_pub
    /// extension; its confirmation tag is the right one for <see cref="JoinerSecret"/> and
    /// <paramref name="pskSecret"/> unless <paramref name="confirmationTag"/> is given.
    /// </summary>
    public GroupInfo SignedGroupInfo(GroupContext context, byte[]? confirmationTag, Secret? pskSecret = null)
    {
        var suite = CipherSuite.Get((CipherSuiteId)context.CipherSuite);

        // A context of a suite with another Nh than the fixture's (a foreign GroupInfo) gets a joiner secret of its size.
        using var foreignJoiner = suite.HashSize == JoinerSecret.Length ? null : Secret.Copy(RandomBytes(suite.HashSize));
        using var epoch = EpochSecrets.FromJoinerSecret(suite, foreignJoiner ?? JoinerSecret, pskSecret, context);
        var tag = confirmationTag ?? ConfirmationTag.Compute(suite, epoch.ConfirmationKey, context.ConfirmedTranscriptHash);
        var extensions = new List<Extension> { ExternalInitialization.ExternalPubExtension(suite, epoch.ExternalSecret) };
        // Signed with the committer's key, of the fixture's suite, also when the context names another
        // suite (as a misbehaving committer would; GroupInfoSigning.Sign refuses that).
        var toBeSigned = new GroupInfoTBS(context, extensions, tag, 0);
        var signature = Suite.SignWithLabel(Committer, GroupInfoSigning.SignatureLabel, toBeSigned.ToBytes());
        return new GroupInfo(context, extensions, tag, 0, signature);
    }

    /// <summary>
    /// A Welcome put together by hand, as a misbehaving committer would: <paramref name="groupInfoPlaintext"/>
    /// encrypted under the welcome key of <paramref name="welcomeJoinerSecret"/> (no PSKs), and
    /// <paramref name="groupSecretsPlaintext"/> encrypted to <paramref name="recipient"/>.
    /// </summary>
    public Welcome HandBuiltWelcome(ushort cipherSuite, byte[] groupInfoPlaintext, Secret welcomeJoinerSecret, byte[] groupSecretsPlaintext, KeyPackageBundle recipient)
    {
        byte[] encryptedGroupInfo;
        using (var welcomeSecret = EpochSecrets.DeriveWelcomeSecret(Suite, welcomeJoinerSecret, null))
        using (var key = EpochSecrets.DeriveWelcomeKey(Suite, welcomeSecret))
        using (var nonce = EpochSecrets.DeriveWelcomeNonce(Suite, welcomeSecret))
        {
            encryptedGroupInfo = Suite.Aead.Seal(key.Span, nonce.Span, default, groupInfoPlaintext);
        }

        return Reencrypt(new Welcome(cipherSuite, [], encryptedGroupInfo), groupSecretsPlaintext, recipient);
    }

    /// <summary>The Welcome with one EncryptedGroupSecrets for <paramref name="recipient"/>, bound to its encrypted_group_info as it now is.</summary>
    public Welcome Reencrypt(Welcome welcome, byte[] groupSecretsPlaintext, KeyPackageBundle recipient)
    {
        var (kemOutput, ciphertext) = Suite.EncryptWithLabel(
            recipient.KeyPackage.InitKey, WelcomeBuilder.EncryptionLabel, welcome.EncryptedGroupInfo, groupSecretsPlaintext, SystemRandom.Instance);
        return welcome with { Secrets = [new EncryptedGroupSecrets(recipient.KeyPackageRef, new HPKECiphertext(kemOutput, ciphertext))] };
    }

    /// <summary>The encoding of GroupSecrets with the given secrets and PSK ids.</summary>
    public static byte[] GroupSecretsBytes(byte[] joinerSecret, byte[]? pathSecret, IReadOnlyList<PreSharedKeyID> psks)
    {
        using var groupSecrets = new GroupSecrets(Secret.Copy(joinerSecret), pathSecret is null ? null : Secret.Copy(pathSecret), psks);
        using var encoded = groupSecrets.ToSecret();
        return encoded.Export();
    }

    public static Secret? NoPsk(PreSharedKeyID id) => null;

    public void Dispose()
    {
        Committer.Dispose();
        JoinerSigner.Dispose();
        Alice.Dispose();
        Bob.Dispose();
        Carol.Dispose();
        JoinerSecret.Dispose();
    }
}
