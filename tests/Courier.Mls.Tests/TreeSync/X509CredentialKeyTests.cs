using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Courier.Mls.Crypto;
using Courier.Mls.Group;
using Courier.Mls.Messages;
using Courier.Mls.TreeSync;
using static Courier.Mls.Tests.TreeSync.RatchetTreeTests;

namespace Courier.Mls.Tests.TreeSync;

/// <summary>
/// RFC 9420 §5.3: an x509 credential's end-entity certificate must carry the LeafNode's
/// signature_key; Courier lists x509 among its credential types (§7.2) and enforces that binding.
/// </summary>
public class X509CredentialKeyTests : IDisposable
{
    private readonly TreeFixture _f = new(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, 1);

    public void Dispose()
    {
        _f.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public void Courier_key_packages_list_basic_and_x509()
    {
        using var signer = SignaturePrivateKey.Generate(SystemRandom.Instance);
        using var bundle = KeyPackageBundle.Generate(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, "alice"u8, signer, 0, ulong.MaxValue, SystemRandom.Instance);
        Assert.Equal([CredentialType.Basic, CredentialType.X509], bundle.KeyPackage.LeafNode.Capabilities.Credentials);
    }

    [Fact]
    public void Accepts_an_x509_leaf_whose_certificate_carries_its_signature_key()
    {
        var (leaf, tree) = X509Leaf(signatureKey => [CertificateFor(signatureKey)]);
        LeafNodeValidation.Validate(leaf, LeafNodeSource.KeyPackage, tree, null, TreeFixture.GroupId, null, null);
    }

    [Fact]
    public void Rejects_X509CredentialKey_another_key_an_unreadable_certificate_or_none()
    {
        using var other = SignaturePrivateKey.Generate(SystemRandom.Instance);
        Func<byte[], Certificate[]>[] wrong =
        [
            _ => [CertificateFor(other.PublicKey)],
            _ => [new Certificate([0x30, 0x00])],
            _ => [],
        ];
        foreach (var certificates in wrong)
        {
            var (leaf, tree) = X509Leaf(certificates);
            AssertRejected(MlsCheck.X509CredentialKey, () => LeafNodeValidation.Validate(leaf, LeafNodeSource.KeyPackage, tree, null, TreeFixture.GroupId, null, null));
        }
    }

    /// <summary>A signed KeyPackage leaf with an x509 credential, and a one-member tree whose member supports x509.</summary>
    private (LeafNode Leaf, RatchetTree Tree) X509Leaf(Func<byte[], Certificate[]> certificates)
    {
        var both = _f.DefaultCapabilities with { Credentials = [CredentialType.Basic, CredentialType.X509] };
        var (creator, creatorKey, creatorSigner) = _f.NewKeyPackageLeaf(both);
        var (leaf, key, signer) = _f.NewKeyPackageLeaf(both);
        using (creatorKey)
        using (creatorSigner)
        using (key)
        using (signer)
        {
            var x509 = new LeafNode(leaf.EncryptionKey, leaf.SignatureKey, Credential.X509(certificates(leaf.SignatureKey)), both, LeafNodeSource.KeyPackage, leaf.Lifetime, null, [], []);
            return (TreeFixture.Sign(_f.Suite, x509, signer, null, null), RatchetTree.Create(_f.Suite, creator));
        }
    }

    /// <summary>
    /// A certificate whose subjectPublicKeyInfo is the Ed25519 key (RFC 8410); its own signature is
    /// not checked by MLS (chain validation is the application's), so a placeholder stands in.
    /// </summary>
    internal static Certificate CertificateFor(byte[] ed25519Key)
    {
        byte[] spki = [0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00, .. ed25519Key];
        var request = new CertificateRequest(new X500DistinguishedName("CN=x509 member"), PublicKey.CreateFromSubjectPublicKeyInfo(spki, out _), HashAlgorithmName.SHA256);
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.Create(new X500DistinguishedName("CN=test issuer"), new PlaceholderEd25519Signature(), now.AddDays(-1), now.AddDays(1), [1]);
        return new Certificate(certificate.RawData);
    }

    private sealed class PlaceholderEd25519Signature : X509SignatureGenerator
    {
        public override byte[] GetSignatureAlgorithmIdentifier(HashAlgorithmName hashAlgorithm)
        {
            var writer = new AsnWriter(AsnEncodingRules.DER);
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier("1.3.101.112");
            }

            return writer.Encode();
        }

        public override byte[] SignData(byte[] data, HashAlgorithmName hashAlgorithm) => new byte[64];

        protected override PublicKey BuildPublicKey() => throw new NotSupportedException();
    }
}
