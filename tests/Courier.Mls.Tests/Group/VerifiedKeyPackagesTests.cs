using Courier.Mls.Crypto;
using Courier.Mls.Group;
using Courier.Mls.Messages;
using Courier.Mls.Tests.TreeSync;
using static Courier.Mls.Tests.TreeSync.RatchetTreeTests;

namespace Courier.Mls.Tests.Group;

/// <summary>
/// An Add's KeyPackage whose signatures verified in this epoch (when the proposal arrived) is not
/// verified again when a commit includes it by reference; only that very object is exempt.
/// </summary>
public sealed class VerifiedKeyPackagesTests : IDisposable
{
    private readonly TreeFixture _f = new(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, 3);
    private readonly SignaturePrivateKey _signer = SignaturePrivateKey.Generate(SystemRandom.Instance);

    public void Dispose()
    {
        _signer.Dispose();
        _f.Dispose();
    }

    [Fact]
    public void Signatures_are_verified_once_per_KeyPackage_object()
    {
        using var bundle = KeyPackageBundle.Generate(_f.Suite.Id, "dave"u8, _signer, 0, ulong.MaxValue, SystemRandom.Instance);
        var keyPackage = bundle.KeyPackage;
        var verified = new HashSet<KeyPackage>(ReferenceEqualityComparer.Instance);

        Validate(keyPackage, verified);
        Assert.Contains(keyPackage, verified);

        // Its signature broken in place after it verified: the set exempts this object only.
        keyPackage.Signature[5] ^= 1;
        Validate(keyPackage, verified);
        AssertRejected(MlsCheck.KeyPackageSignature, () => Validate(keyPackage, new HashSet<KeyPackage>(ReferenceEqualityComparer.Instance)));
        AssertRejected(MlsCheck.KeyPackageSignature, () => Validate(keyPackage with { }, verified));
        AssertRejected(MlsCheck.KeyPackageSignature, () => Validate(keyPackage, null));
    }

    [Fact]
    public void A_KeyPackage_that_fails_is_not_remembered()
    {
        using var bundle = KeyPackageBundle.Generate(_f.Suite.Id, "erin"u8, _signer, 0, ulong.MaxValue, SystemRandom.Instance);
        var leaf = bundle.KeyPackage.LeafNode;
        var badLeafSignature = bundle.KeyPackage with { LeafNode = leaf.WithSignature(new byte[leaf.Signature.Length]) };
        var verified = new HashSet<KeyPackage>(ReferenceEqualityComparer.Instance);

        AssertRejected(MlsCheck.KeyPackageSignature, () => Validate(badLeafSignature, verified));
        Assert.Empty(verified);
    }

    private void Validate(KeyPackage keyPackage, HashSet<KeyPackage>? verified)
    {
        var context = new GroupContext((ushort)_f.Suite.Id, TreeFixture.GroupId, 1, new byte[32], new byte[32], []);
        ProposalValidation.Validate(_f.Suite, context, _f.Tree, new Proposal(new Add(keyPackage)), Sender.Member(0), null, verifiedKeyPackages: verified);
    }
}
