using Courier.Mls.Crypto;
using Courier.Mls.Group;
using Courier.Mls.Messages;

namespace Courier.Mls.Tests.Group;

/// <summary>
/// Each check of RFC 9420 §10.1 gets a KeyPackage violating only it: every altered KeyPackage is
/// signed again with the member's key, so the signature check cannot be what rejects it. The test
/// name carries the <see cref="MlsCheck"/> id.
/// </summary>
public class KeyPackageValidationTests
{
    public static TheoryData<CipherSuiteId> Suites() => TestSuites.All();

    [Theory]
    [MemberData(nameof(Suites))]
    public void Accepts_a_generated_KeyPackage_and_a_resigned_copy(CipherSuiteId suiteId)
    {
        using var f = new WelcomeFixture(suiteId);
        var keyPackage = f.Alice.KeyPackage;
        KeyPackageValidation.Validate(f.Suite, keyPackage);
        KeyPackageValidation.Validate(f.Suite, Resign(f, keyPackage));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Rejects_KeyPackageSignature_when_tampered(CipherSuiteId suiteId)
    {
        using var f = new WelcomeFixture(suiteId);
        var keyPackage = f.Alice.KeyPackage;

        var signature = (byte[])keyPackage.Signature.Clone();
        signature[5] ^= 1;
        AssertRejected(MlsCheck.KeyPackageSignature, f.Suite, keyPackage with { Signature = signature });

        // A field changed after signing.
        AssertRejected(MlsCheck.KeyPackageSignature, f.Suite, keyPackage with { Extensions = [new Extension(0x0A0A, [1])] });
        AssertRejected(MlsCheck.KeyPackageSignature, f.Suite, keyPackage with { InitKey = f.Bob.KeyPackage.InitKey });

        // Signed by someone else than the leaf's signature key.
        using var other = SignaturePrivateKey.Generate(SystemRandom.Instance, suiteId);
        AssertRejected(MlsCheck.KeyPackageSignature, f.Suite, Resign(f, keyPackage, signer: other));
        AssertRejected(MlsCheck.KeyPackageSignature, f.Suite, keyPackage with { Signature = [] });
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Rejects_KeyPackageVersion(CipherSuiteId suiteId)
    {
        using var f = new WelcomeFixture(suiteId);
        AssertRejected(MlsCheck.KeyPackageVersion, f.Suite, Resign(f, f.Alice.KeyPackage with { Version = 2 }));
        AssertRejected(MlsCheck.KeyPackageVersion, f.Suite, Resign(f, f.Alice.KeyPackage with { Version = 0 }));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Rejects_KeyPackageCipherSuite(CipherSuiteId suiteId)
    {
        using var f = new WelcomeFixture(suiteId);
        var otherSuite = suiteId == CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519 ? CipherSuite.Suite3 : CipherSuite.Suite1;

        // A valid KeyPackage of another suite than the group's.
        AssertRejected(MlsCheck.KeyPackageCipherSuite, otherSuite, f.Alice.KeyPackage);
        AssertRejected(MlsCheck.KeyPackageCipherSuite, f.Suite, Resign(f, f.Alice.KeyPackage with { CipherSuite = 4 }));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Rejects_InitKeyEqualsEncryptionKey(CipherSuiteId suiteId)
    {
        using var f = new WelcomeFixture(suiteId);
        var keyPackage = f.Alice.KeyPackage;
        AssertRejected(MlsCheck.InitKeyEqualsEncryptionKey, f.Suite, Resign(f, keyPackage with { InitKey = (byte[])keyPackage.LeafNode.EncryptionKey.Clone() }));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Rejects_KeyPackageInitKey_of_the_wrong_size(CipherSuiteId suiteId)
    {
        using var f = new WelcomeFixture(suiteId);
        AssertRejected(MlsCheck.KeyPackageInitKey, f.Suite, Resign(f, f.Alice.KeyPackage with { InitKey = new byte[31] }));
        AssertRejected(MlsCheck.KeyPackageInitKey, f.Suite, Resign(f, f.Alice.KeyPackage with { InitKey = [] }));
    }

    [Fact]
    public void Rejects_KeyPackageInitKey_that_is_not_an_uncompressed_point_on_P256()
    {
        using var f = new WelcomeFixture(CipherSuiteId.MLS_128_DHKEMP256_AES128GCM_SHA256_P256);
        var initKey = f.Alice.KeyPackage.InitKey;
        var offCurve = (byte[])initKey.Clone();
        offCurve[^1] ^= 1;
        byte[] compressed = [(byte)(0x02 | (initKey[^1] & 1)), .. initKey[1..33]];
        byte[] x25519Sized = initKey[1..33];

        foreach (var bad in new[] { offCurve, compressed, x25519Sized })
        {
            AssertRejected(MlsCheck.KeyPackageInitKey, f.Suite, Resign(f, f.Alice.KeyPackage with { InitKey = bad }));
        }
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Rejects_LeafSource_other_than_key_package(CipherSuiteId suiteId)
    {
        using var f = new WelcomeFixture(suiteId);
        var leaf = f.Alice.KeyPackage.LeafNode;
        var groupId = "g"u8.ToArray();
        foreach (var (source, parentHash) in new[] { (LeafNodeSource.Update, (byte[]?)null), (LeafNodeSource.Commit, new byte[32]) })
        {
            var unsigned = new LeafNode(leaf.EncryptionKey, leaf.SignatureKey, leaf.Credential, leaf.Capabilities, source, null, parentHash, leaf.Extensions, []);
            var signed = unsigned.WithSignature(f.Suite.SignWithLabel(f.JoinerSigner, "LeafNodeTBS", unsigned.ToBeSigned(groupId, 0).ToBytes()));
            AssertRejected(MlsCheck.LeafSource, f.Suite, Resign(f, f.Alice.KeyPackage with { LeafNode = signed }));
        }
    }

    /// <summary>The KeyPackage signed again over its (altered) KeyPackageTBS.</summary>
    private static KeyPackage Resign(WelcomeFixture f, KeyPackage keyPackage, SignaturePrivateKey? signer = null)
        => keyPackage with { Signature = f.Suite.SignWithLabel(signer ?? f.JoinerSigner, "KeyPackageTBS", keyPackage.ToBeSigned().ToBytes()) };

    private static void AssertRejected(MlsCheck check, CipherSuite suite, KeyPackage keyPackage)
    {
        var e = Assert.Throws<MessageRejectedException>(() => KeyPackageValidation.Validate(suite, keyPackage));
        Assert.Equal(check, e.Check);
    }
}
