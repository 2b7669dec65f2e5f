using System.Security.Cryptography;
using Courier.Mls.Codec;
using Courier.Mls.Crypto;
using Courier.Mls.Group;
using Courier.Mls.KeySchedule;
using Courier.Mls.Messages;

namespace Courier.Mls.Tests.Group;

/// <summary>
/// Welcome building and processing (RFC 9420 §12.4.3.1). Each rejection test feeds a Welcome that
/// violates one check; its name carries the <see cref="MlsCheck"/> id.
/// </summary>
public class WelcomeTests
{
    public static TheoryData<CipherSuiteId> Suites() => TestSuites.All();

    [Theory]
    [MemberData(nameof(Suites))]
    public void Welcome_round_trips_to_two_new_members_with_a_path_secret_and_psks(CipherSuiteId suiteId)
    {
        using var f = new WelcomeFixture(suiteId);
        var externalId = PreSharedKeyID.External("vault-psk"u8.ToArray(), WelcomeFixture.RandomBytes(f.Suite.HashSize));
        var resumptionId = PreSharedKeyID.Resumption(ResumptionPSKUsage.Application, f.Context.GroupId, 2, WelcomeFixture.RandomBytes(f.Suite.HashSize));
        using var externalPsk = Secret.Copy(WelcomeFixture.RandomBytes(f.Suite.HashSize));
        using var resumptionPsk = Secret.Copy(WelcomeFixture.RandomBytes(f.Suite.HashSize));
        (PreSharedKeyID Id, Secret Psk)[] psks = [(externalId, externalPsk), (resumptionId, resumptionPsk)];
        using var pskSecret = PskSecret.Derive(f.Suite, psks);
        var groupInfo = f.SignedGroupInfo(f.Context, confirmationTag: null, pskSecret);
        using var pathSecret = Secret.Copy(WelcomeFixture.RandomBytes(f.Suite.HashSize));

        var welcome = WelcomeBuilder.Build(f.Suite, groupInfo, f.JoinerSecret, psks, [new(f.Alice.KeyPackage, pathSecret), new(f.Bob.KeyPackage, null)], SystemRandom.Instance);

        // The caller's secrets are untouched.
        Assert.False(f.JoinerSecret.IsDisposed || pathSecret.IsDisposed || externalPsk.IsDisposed);
        Assert.Equal((ushort)suiteId, welcome.CipherSuite);
        Assert.Equal([f.Alice.KeyPackageRef, f.Bob.KeyPackageRef], welcome.Secrets.Select(s => s.NewMember));

        // Over the wire and back.
        welcome = MLSMessage.FromBytes(new MLSMessage(welcome).ToBytes()).Welcome!;
        Secret? Resolve(PreSharedKeyID id) => id.Equals(externalId) ? externalPsk : id.Equals(resumptionId) ? resumptionPsk : null;

        using var committerEpoch = EpochSecrets.FromJoinerSecret(f.Suite, f.JoinerSecret, pskSecret, f.Context);
        foreach (var (bundle, expectPath) in new[] { (f.Alice, true), (f.Bob, false) })
        {
            using var processed = WelcomeProcessing.Process(welcome, bundle, Resolve);
            var (receivedInfo, groupSecrets) = processed;
            Assert.Equal(groupInfo, receivedInfo);
            GroupInfoSigning.Verify(f.Suite, receivedInfo, f.Committer.PublicKey);
            Assert.True(groupSecrets.JoinerSecret.ContentEquals(f.JoinerSecret));
            Assert.Equal(expectPath, groupSecrets.PathSecret is not null);
            if (expectPath)
            {
                Assert.True(groupSecrets.PathSecret!.ContentEquals(pathSecret));
            }

            Assert.Equal([externalId, resumptionId], groupSecrets.Psks);
            Assert.True(processed.PskSecret.ContentEquals(pskSecret));

            using var joined = processed.DeriveEpochSecrets();
            Assert.True(joined.EpochAuthenticator.ContentEquals(committerEpoch.EpochAuthenticator));
            Assert.True(joined.InitSecret.ContentEquals(committerEpoch.InitSecret));
        }
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Welcome_is_processed_with_a_bundle_restored_from_the_vault(CipherSuiteId suiteId)
    {
        using var f = new WelcomeFixture(suiteId);
        var welcome = WelcomeBuilder.Build(f.Suite, f.GroupInfo, f.JoinerSecret, [], [new(f.Alice.KeyPackage, null)], SystemRandom.Instance);
        var stored = f.Alice.Serialize();
        using var restored = KeyPackageBundle.Deserialize(stored);
        CryptographicOperations.ZeroMemory(stored);

        using var processed = WelcomeProcessing.Process(welcome, restored, WelcomeFixture.NoPsk);
        Assert.Equal(f.GroupInfo, processed.GroupInfo);
        Assert.Empty(processed.GroupSecrets.Psks);
        Assert.True(processed.PskSecret.ContentEquals(new byte[f.Suite.HashSize]));
        using var joined = processed.DeriveEpochSecrets();
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Rejects_WelcomeNotForUs(CipherSuiteId suiteId)
    {
        using var f = new WelcomeFixture(suiteId);
        var welcome = WelcomeBuilder.Build(f.Suite, f.GroupInfo, f.JoinerSecret, [], [new(f.Alice.KeyPackage, null), new(f.Bob.KeyPackage, null)], SystemRandom.Instance);
        AssertRejected(MlsCheck.WelcomeNotForUs, () => WelcomeProcessing.Process(welcome, f.Carol, WelcomeFixture.NoPsk));
        AssertRejected(MlsCheck.WelcomeNotForUs, () => WelcomeProcessing.Process(welcome with { Secrets = [] }, f.Alice, WelcomeFixture.NoPsk));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Rejects_Decryption_with_the_wrong_init_key(CipherSuiteId suiteId)
    {
        using var f = new WelcomeFixture(suiteId);
        var welcome = WelcomeBuilder.Build(f.Suite, f.GroupInfo, f.JoinerSecret, [], [new(f.Alice.KeyPackage, null)], SystemRandom.Instance);

        // Alice's KeyPackage (so the entry is found) but another init private key.
        AssertRejected(MlsCheck.Decryption, () => WelcomeProcessing.Process(welcome, f.Alice.KeyPackage, f.Bob.InitKey, WelcomeFixture.NoPsk));

        // The leaf's encryption key is not the init key either.
        AssertRejected(MlsCheck.Decryption, () => WelcomeProcessing.Process(welcome, f.Alice.KeyPackage, f.Alice.EncryptionKey, WelcomeFixture.NoPsk));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Rejects_Decryption_of_tampered_group_secrets(CipherSuiteId suiteId)
    {
        using var f = new WelcomeFixture(suiteId);
        var welcome = WelcomeBuilder.Build(f.Suite, f.GroupInfo, f.JoinerSecret, [], [new(f.Alice.KeyPackage, null)], SystemRandom.Instance);
        var entry = welcome.Secrets[0];

        var ciphertext = (byte[])entry.Ciphertext.Ciphertext.Clone();
        ciphertext[0] ^= 1;
        var tampered = welcome with { Secrets = [entry with { Ciphertext = entry.Ciphertext with { Ciphertext = ciphertext } }] };
        AssertRejected(MlsCheck.Decryption, () => WelcomeProcessing.Process(tampered, f.Alice, WelcomeFixture.NoPsk));

        var kemOutput = (byte[])entry.Ciphertext.KemOutput.Clone();
        kemOutput[3] ^= 1;
        tampered = welcome with { Secrets = [entry with { Ciphertext = entry.Ciphertext with { KemOutput = kemOutput } }] };
        AssertRejected(MlsCheck.Decryption, () => WelcomeProcessing.Process(tampered, f.Alice, WelcomeFixture.NoPsk));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Rejects_Decryption_of_tampered_encrypted_group_info(CipherSuiteId suiteId)
    {
        using var f = new WelcomeFixture(suiteId);
        var welcome = WelcomeBuilder.Build(f.Suite, f.GroupInfo, f.JoinerSecret, [], [new(f.Alice.KeyPackage, null)], SystemRandom.Instance);
        var encryptedGroupInfo = (byte[])welcome.EncryptedGroupInfo.Clone();
        encryptedGroupInfo[10] ^= 1;
        var tampered = welcome with { EncryptedGroupInfo = encryptedGroupInfo };

        // encrypted_group_info is the context of the group secrets' encryption: they fail first.
        var e = AssertRejected(MlsCheck.Decryption, () => WelcomeProcessing.Process(tampered, f.Alice, WelcomeFixture.NoPsk));
        Assert.Contains("group secrets", e.Message);

        // With the group secrets encrypted again over the tampered bytes, the GroupInfo AEAD fails.
        var reencrypted = f.Reencrypt(tampered, WelcomeFixture.GroupSecretsBytes(f.JoinerSecret.Export(), null, []), f.Alice);
        e = AssertRejected(MlsCheck.Decryption, () => WelcomeProcessing.Process(reencrypted, f.Alice, WelcomeFixture.NoPsk));
        Assert.Contains("GroupInfo", e.Message);

        // A different joiner_secret gives a different welcome key.
        var otherJoiner = f.Reencrypt(welcome, WelcomeFixture.GroupSecretsBytes(WelcomeFixture.RandomBytes(f.Suite.HashSize), null, []), f.Alice);
        e = AssertRejected(MlsCheck.Decryption, () => WelcomeProcessing.Process(otherJoiner, f.Alice, WelcomeFixture.NoPsk));
        Assert.Contains("GroupInfo", e.Message);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Rejects_MissingPsk(CipherSuiteId suiteId)
    {
        using var f = new WelcomeFixture(suiteId);
        var id = PreSharedKeyID.External("vault-psk"u8.ToArray(), WelcomeFixture.RandomBytes(f.Suite.HashSize));
        using var psk = Secret.Copy(WelcomeFixture.RandomBytes(f.Suite.HashSize));
        var welcome = WelcomeBuilder.Build(f.Suite, f.GroupInfo, f.JoinerSecret, [(id, psk)], [new(f.Alice.KeyPackage, null)], SystemRandom.Instance);
        AssertRejected(MlsCheck.MissingPsk, () => WelcomeProcessing.Process(welcome, f.Alice, WelcomeFixture.NoPsk));

        // The wrong value for the PSK: the welcome key differs, so the GroupInfo does not decrypt.
        using var wrong = Secret.Copy(WelcomeFixture.RandomBytes(f.Suite.HashSize));
        AssertRejected(MlsCheck.Decryption, () => WelcomeProcessing.Process(welcome, f.Alice, _ => wrong));
        Assert.False(wrong.IsDisposed);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Rejects_WelcomeCipherSuite(CipherSuiteId suiteId)
    {
        using var f = new WelcomeFixture(suiteId);
        var welcome = WelcomeBuilder.Build(f.Suite, f.GroupInfo, f.JoinerSecret, [], [new(f.Alice.KeyPackage, null)], SystemRandom.Instance);
        var otherSuite = suiteId == CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519 ? CipherSuiteId.MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519 : CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;
        AssertRejected(MlsCheck.WelcomeCipherSuite, () => WelcomeProcessing.Process(welcome with { CipherSuite = (ushort)otherSuite }, f.Alice, WelcomeFixture.NoPsk));
        AssertRejected(MlsCheck.WelcomeCipherSuite, () => WelcomeProcessing.Process(welcome with { CipherSuite = 4 }, f.Alice, WelcomeFixture.NoPsk));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Rejects_GroupInfoCipherSuite(CipherSuiteId suiteId)
    {
        using var f = new WelcomeFixture(suiteId);
        var otherSuite = suiteId == CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519 ? CipherSuiteId.MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519 : CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;
        var foreignInfo = f.SignedGroupInfo(f.Context with { CipherSuite = (ushort)otherSuite }, confirmationTag: null);

        // The builder refuses it; a misbehaving committer puts it together by hand.
        Assert.Throws<ArgumentException>(() => WelcomeBuilder.Build(f.Suite, foreignInfo, f.JoinerSecret, [], [new(f.Alice.KeyPackage, null)], SystemRandom.Instance));
        var welcome = f.HandBuiltWelcome((ushort)suiteId, foreignInfo.ToBytes(), f.JoinerSecret, WelcomeFixture.GroupSecretsBytes(f.JoinerSecret.Export(), null, []), f.Alice);
        AssertRejected(MlsCheck.GroupInfoCipherSuite, () => WelcomeProcessing.Process(welcome, f.Alice, WelcomeFixture.NoPsk));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Rejects_GroupSecretsLength(CipherSuiteId suiteId)
    {
        using var f = new WelcomeFixture(suiteId);
        var groupInfo = f.GroupInfo.ToBytes();
        var shortJoiner = f.HandBuiltWelcome((ushort)suiteId, groupInfo, f.JoinerSecret, WelcomeFixture.GroupSecretsBytes(new byte[16], null, []), f.Alice);
        AssertRejected(MlsCheck.GroupSecretsLength, () => WelcomeProcessing.Process(shortJoiner, f.Alice, WelcomeFixture.NoPsk));

        var longPath = f.HandBuiltWelcome((ushort)suiteId, groupInfo, f.JoinerSecret, WelcomeFixture.GroupSecretsBytes(f.JoinerSecret.Export(), new byte[33], []), f.Alice);
        AssertRejected(MlsCheck.GroupSecretsLength, () => WelcomeProcessing.Process(longPath, f.Alice, WelcomeFixture.NoPsk));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Rejects_ResumptionPskUsage_with_two_reinit_or_branch_psks(CipherSuiteId suiteId)
    {
        using var f = new WelcomeFixture(suiteId);
        var reinit = PreSharedKeyID.Resumption(ResumptionPSKUsage.Reinit, [1], 7, WelcomeFixture.RandomBytes(f.Suite.HashSize));
        var branch = PreSharedKeyID.Resumption(ResumptionPSKUsage.Branch, [2], 9, WelcomeFixture.RandomBytes(f.Suite.HashSize));
        var application = PreSharedKeyID.Resumption(ResumptionPSKUsage.Application, [3], 1, WelcomeFixture.RandomBytes(f.Suite.HashSize));
        using var psk = Secret.Copy(WelcomeFixture.RandomBytes(f.Suite.HashSize));

        var two = WelcomeBuilder.Build(f.Suite, f.GroupInfo, f.JoinerSecret, [(reinit, psk), (branch, psk)], [new(f.Alice.KeyPackage, null)], SystemRandom.Instance);
        AssertRejected(MlsCheck.ResumptionPskUsage, () => WelcomeProcessing.Process(two, f.Alice, _ => psk));

        // One reinit PSK beside an application one is allowed (here the GroupInfo's tag is for no PSKs, so only processing is checked).
        var one = WelcomeBuilder.Build(f.Suite, f.GroupInfo, f.JoinerSecret, [(reinit, psk), (application, psk)], [new(f.Alice.KeyPackage, null)], SystemRandom.Instance);
        using var processed = WelcomeProcessing.Process(one, f.Alice, _ => psk);
        Assert.Equal(2, processed.GroupSecrets.Psks.Count);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Rejects_ConfirmationTag_of_the_GroupInfo(CipherSuiteId suiteId)
    {
        using var f = new WelcomeFixture(suiteId);
        var groupInfo = f.SignedGroupInfo(f.Context, confirmationTag: WelcomeFixture.RandomBytes(f.Suite.HashSize));
        var welcome = WelcomeBuilder.Build(f.Suite, groupInfo, f.JoinerSecret, [], [new(f.Alice.KeyPackage, null)], SystemRandom.Instance);
        using var processed = WelcomeProcessing.Process(welcome, f.Alice, WelcomeFixture.NoPsk);
        GroupInfoSigning.Verify(f.Suite, processed.GroupInfo, f.Committer.PublicKey);
        AssertRejected(MlsCheck.ConfirmationTag, () => processed.DeriveEpochSecrets());
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Undecodable_authenticated_plaintext_is_a_DecodeException(CipherSuiteId suiteId)
    {
        using var f = new WelcomeFixture(suiteId);
        var groupInfo = f.GroupInfo.ToBytes();
        var badSecrets = f.HandBuiltWelcome((ushort)suiteId, groupInfo, f.JoinerSecret, [0x20, 1, 2], f.Alice);
        Assert.Throws<DecodeException>(() => WelcomeProcessing.Process(badSecrets, f.Alice, WelcomeFixture.NoPsk));

        var secrets = WelcomeFixture.GroupSecretsBytes(f.JoinerSecret.Export(), null, []);
        var trailing = f.HandBuiltWelcome((ushort)suiteId, [.. groupInfo, 0], f.JoinerSecret, secrets, f.Alice);
        Assert.Equal(DecodeError.TrailingBytes, Assert.Throws<DecodeException>(() => WelcomeProcessing.Process(trailing, f.Alice, WelcomeFixture.NoPsk)).Reason);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Processed_Welcome_wipes_its_secrets_on_dispose(CipherSuiteId suiteId)
    {
        using var f = new WelcomeFixture(suiteId);
        using var pathSecret = Secret.Copy(WelcomeFixture.RandomBytes(f.Suite.HashSize));
        var welcome = WelcomeBuilder.Build(f.Suite, f.GroupInfo, f.JoinerSecret, [], [new(f.Alice.KeyPackage, pathSecret)], SystemRandom.Instance);
        var processed = WelcomeProcessing.Process(welcome, f.Alice, WelcomeFixture.NoPsk);
        var joiner = processed.GroupSecrets.JoinerSecret;
        var path = processed.GroupSecrets.PathSecret!;
        var psk = processed.PskSecret;

        processed.Dispose();

        Assert.True(joiner.IsDisposed);
        Assert.True(path.IsDisposed);
        Assert.True(psk.IsDisposed);
        Assert.False(pathSecret.IsDisposed);
    }

    [Fact]
    public void Build_refuses_caller_bugs()
    {
        using var f = new WelcomeFixture(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519);
        using var foreign = f.NewBundle(CipherSuiteId.MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519, "dave"u8);
        using var shortPath = Secret.Copy(new byte[16]);
        using var shortJoiner = Secret.Copy(new byte[16]);
        void Build(Secret joiner, params WelcomeRecipient[] recipients) => WelcomeBuilder.Build(f.Suite, f.GroupInfo, joiner, [], recipients, SystemRandom.Instance);

        Assert.Throws<ArgumentException>(() => Build(f.JoinerSecret));
        Assert.Throws<ArgumentException>(() => Build(f.JoinerSecret, new WelcomeRecipient(foreign.KeyPackage, null)));
        Assert.Throws<ArgumentException>(() => Build(f.JoinerSecret, new WelcomeRecipient(f.Alice.KeyPackage, null), new WelcomeRecipient(f.Alice.KeyPackage, null)));
        Assert.Throws<ArgumentException>(() => Build(f.JoinerSecret, new WelcomeRecipient(f.Alice.KeyPackage, shortPath)));
        Assert.Throws<ArgumentException>(() => Build(shortJoiner, new WelcomeRecipient(f.Alice.KeyPackage, null)));
    }

    private static MessageRejectedException AssertRejected(MlsCheck check, Action action)
    {
        var e = Assert.Throws<MessageRejectedException>(action);
        Assert.Equal(check, e.Check);
        return e;
    }
}
