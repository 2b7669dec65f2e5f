using Courier.Mls.Crypto;
using Courier.Mls.Group;
using Courier.Mls.Messages;

namespace Courier.Mls.Tests.Group;

public class GroupInfoSigningTests
{
    public static TheoryData<CipherSuiteId> Suites() => TestSuites.All();

    [Theory]
    [MemberData(nameof(Suites))]
    public void Signed_GroupInfo_verifies_with_the_signer_key(CipherSuiteId suiteId)
    {
        using var f = new WelcomeFixture(suiteId);
        GroupInfoSigning.Verify(f.Suite, f.GroupInfo, f.Committer.PublicKey);
        Assert.True(f.Suite.VerifyWithLabel(f.Committer.PublicKey, "GroupInfoTBS", f.GroupInfo.ToBeSigned().ToBytes(), f.GroupInfo.Signature));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Rejects_GroupInfoSignature(CipherSuiteId suiteId)
    {
        using var f = new WelcomeFixture(suiteId);
        var groupInfo = f.GroupInfo;

        // Another member's key, or a blank signer leaf.
        AssertRejected(f, groupInfo, f.JoinerSigner.PublicKey);
        AssertRejected(f, groupInfo, null);
        AssertRejected(f, groupInfo, new byte[31]);

        // Any field changed after signing.
        AssertRejected(f, groupInfo with { Signer = 1 }, f.Committer.PublicKey);
        AssertRejected(f, groupInfo with { ConfirmationTag = new byte[32] }, f.Committer.PublicKey);
        AssertRejected(f, groupInfo with { Extensions = [] }, f.Committer.PublicKey);
        AssertRejected(f, groupInfo with { GroupContext = groupInfo.GroupContext with { Epoch = 4 } }, f.Committer.PublicKey);
        var signature = (byte[])groupInfo.Signature.Clone();
        signature[^1] ^= 0x80;
        AssertRejected(f, groupInfo with { Signature = signature }, f.Committer.PublicKey);
    }

    [Fact]
    public void Sign_refuses_a_GroupInfo_of_another_suite()
    {
        using var f = new WelcomeFixture(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519);
        Assert.Throws<ArgumentException>(() => GroupInfoSigning.Sign(CipherSuite.Suite3, f.GroupInfo.ToBeSigned(), f.Committer));
    }

    private static void AssertRejected(WelcomeFixture f, GroupInfo groupInfo, byte[]? signerKey)
    {
        var e = Assert.Throws<MessageRejectedException>(() => GroupInfoSigning.Verify(f.Suite, groupInfo, signerKey));
        Assert.Equal(MlsCheck.GroupInfoSignature, e.Check);
    }
}
