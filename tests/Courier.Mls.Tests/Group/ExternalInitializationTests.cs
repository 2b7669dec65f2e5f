using System.Text.Json;
using Courier.Mls.Codec;
using Courier.Mls.Crypto;
using Courier.Mls.Group;
using Courier.Mls.Messages;
using Courier.Mls.Tests.Hpke;

namespace Courier.Mls.Tests.Group;

/// <summary>External initialization (RFC 9420 §8.3) and the external_pub GroupInfo extension (§12.4.3.2).</summary>
public class ExternalInitializationTests
{
    public static TheoryData<CipherSuiteId> Suites() => TestSuites.All();

    [Theory]
    [MemberData(nameof(Suites))]
    public void Joiner_and_members_derive_the_same_init_secret(CipherSuiteId suiteId)
    {
        var suite = CipherSuite.Get(suiteId);
        using var externalSecret = Secret.Copy(WelcomeFixture.RandomBytes(32));
        var groupInfo = GroupInfoWith([new Extension(0x0A0A, [9]), ExternalInitialization.ExternalPubExtension(suite, externalSecret)], suiteId);

        var externalPub = ExternalInitialization.FindExternalPub(groupInfo)!;
        var (kemOutput, sent) = ExternalInitialization.Send(suite, externalPub, SystemRandom.Instance);
        using (sent)
        {
            // The ExternalInit proposal carries kem_output to the members.
            var proposal = new Proposal(new ExternalInit(kemOutput));
            var received = TlsReader.Decode(TlsWriter.Encode(proposal), nameof(Proposal), Proposal.Decode);
            using var recovered = ExternalInitialization.Receive(suite, externalSecret, ((ExternalInit)received.Body).KemOutput);

            Assert.Equal(suite.HashSize, sent.Length);
            Assert.True(sent.ContentEquals(recovered));

            // A second join sends a fresh secret.
            var (otherKemOutput, other) = ExternalInitialization.Send(suite, externalPub, SystemRandom.Instance);
            using (other)
            {
                Assert.NotEqual(kemOutput, otherKemOutput);
                Assert.False(other.ContentEquals(sent));
            }

            // Another epoch's external secret recovers something else: HPKE export does not authenticate.
            using var otherEpoch = Secret.Copy(WelcomeFixture.RandomBytes(32));
            using var wrong = ExternalInitialization.Receive(suite, otherEpoch, kemOutput);
            Assert.False(wrong.ContentEquals(sent));
        }
    }

    [Fact]
    public void Init_secret_is_the_HPKE_export_with_the_full_label()
    {
        var suite = CipherSuite.Suite1;
        using var externalSecret = Secret.Copy(Enumerable.Repeat((byte)5, 32).ToArray());
        var ephemeralSeed = Enumerable.Repeat((byte)6, 32).ToArray();
        using var externalKey = suite.DeriveKeyPair(externalSecret.Span);
        var (kemOutput, initSecret) = ExternalInitialization.Send(suite, externalKey.PublicKey, new FixedRandom(ephemeralSeed));
        using (initSecret)
        {
            Assert.Equal(suite.DeriveKeyPair(ephemeralSeed).PublicKey, kemOutput);
            using var context = suite.Hpke.SetupBaseR(kemOutput, externalKey, [])!;
            using var expected = context.Export("MLS 1.0 external init secret"u8, 32);
            Assert.True(initSecret.ContentEquals(expected));
        }
    }

    [Fact]
    public void External_pub_extension_matches_the_key_schedule_vectors()
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(TestVectorPaths.Mls("key-schedule.json")));
        var checkedEpochs = 0;
        foreach (var testCase in document.RootElement.EnumerateArray())
        {
            if (CipherSuite.Find(testCase.GetProperty("cipher_suite").GetUInt16()) is not { } suite)
            {
                continue;
            }

            foreach (var epoch in testCase.GetProperty("epochs").EnumerateArray())
            {
                using var externalSecret = Secret.Copy(Convert.FromHexString(epoch.GetProperty("external_secret").GetString()!));
                var extension = ExternalInitialization.ExternalPubExtension(suite, externalSecret);
                Assert.Equal(Extension.ExternalPub, extension.ExtensionType);
                var groupInfo = GroupInfoWith([extension], suite.Id);
                Assert.Equal(Convert.FromHexString(epoch.GetProperty("external_pub").GetString()!), ExternalInitialization.FindExternalPub(groupInfo));
                checkedEpochs++;
            }
        }

        Assert.True(checkedEpochs >= 2);
    }

    [Fact]
    public void FindExternalPub_is_null_without_the_extension_and_refuses_bad_data()
    {
        Assert.Null(ExternalInitialization.FindExternalPub(GroupInfoWith([new Extension(Extension.RatchetTree, [])], CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519)));
        Assert.Throws<DecodeException>(() => ExternalInitialization.FindExternalPub(GroupInfoWith([new Extension(Extension.ExternalPub, [0x20, 1])], CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519)));
        Assert.Throws<DecodeException>(() => ExternalInitialization.FindExternalPub(GroupInfoWith([new Extension(Extension.ExternalPub, [0x01, 1, 0])], CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519)));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Rejects_ExternalPub_that_is_not_a_valid_key(CipherSuiteId suiteId)
    {
        var suite = CipherSuite.Get(suiteId);
        AssertRejected(MlsCheck.ExternalPub, () => ExternalInitialization.Send(suite, new byte[31], SystemRandom.Instance));
        AssertRejected(MlsCheck.ExternalPub, () => ExternalInitialization.Send(suite, [], SystemRandom.Instance));

        // The all-zero point has small order: the X25519 shared secret would be zero.
        AssertRejected(MlsCheck.ExternalPub, () => ExternalInitialization.Send(suite, new byte[32], SystemRandom.Instance));

        // For P-256, 0x04 || 0 || 0 is not on the curve, nor is a valid key with a bit flipped.
        if (suite.Hpke.Kem.PublicKeySize == 65)
        {
            using var externalSecret = Secret.Copy(WelcomeFixture.RandomBytes(32));
            using var key = suite.DeriveKeyPair(externalSecret.Span);
            var offCurve = key.PublicKey;
            offCurve[^1] ^= 1;
            var zero = new byte[65];
            zero[0] = 0x04;
            AssertRejected(MlsCheck.ExternalPub, () => ExternalInitialization.Send(suite, offCurve, SystemRandom.Instance));
            AssertRejected(MlsCheck.ExternalPub, () => ExternalInitialization.Send(suite, zero, SystemRandom.Instance));
            AssertRejected(MlsCheck.ExternalInitKemOutput, () => ExternalInitialization.Receive(suite, externalSecret, offCurve));
        }
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Rejects_ExternalInitKemOutput_that_is_not_an_encapsulation(CipherSuiteId suiteId)
    {
        var suite = CipherSuite.Get(suiteId);
        using var externalSecret = Secret.Copy(WelcomeFixture.RandomBytes(32));
        AssertRejected(MlsCheck.ExternalInitKemOutput, () => ExternalInitialization.Receive(suite, externalSecret, new byte[32]));
        AssertRejected(MlsCheck.ExternalInitKemOutput, () => ExternalInitialization.Receive(suite, externalSecret, new byte[33]));
        AssertRejected(MlsCheck.ExternalInitKemOutput, () => ExternalInitialization.Receive(suite, externalSecret, []));
    }

    private static GroupInfo GroupInfoWith(List<Extension> extensions, CipherSuiteId suiteId)
        => new(new GroupContext((ushort)suiteId, [1], 0, new byte[32], new byte[32], []), extensions, new byte[32], 0, new byte[64]);

    private static void AssertRejected(MlsCheck check, Action action)
    {
        var e = Assert.Throws<MessageRejectedException>(action);
        Assert.Equal(check, e.Check);
    }
}
