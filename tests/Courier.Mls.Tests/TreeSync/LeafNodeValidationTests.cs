using Courier.Mls.Crypto;
using Courier.Mls.Messages;
using Courier.Mls.TreeSync;
using static Courier.Mls.Tests.TreeSync.RatchetTreeTests;

namespace Courier.Mls.Tests.TreeSync;

/// <summary>
/// Leaf node validation (RFC 9420 §7.3) for KeyPackages, Updates, commit paths and joined trees;
/// each failure kind is rejected with its <see cref="MlsCheck"/> id (named in the test).
/// </summary>
public class LeafNodeValidationTests : IDisposable
{
    private static readonly byte[] GroupId = TreeFixture.GroupId;

    private readonly TreeFixture _f = new(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, 3);

    public void Dispose()
    {
        _f.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public void Accepts_valid_key_package_update_and_commit_leaves_and_the_tree()
    {
        ValidateKeyPackageLeaf(NewKeyPackageLeaf(), now: 1_700_000_000);
        var (update, key) = _f.NewUpdateLeaf(1);
        using (key)
        {
            LeafNodeValidation.Validate(update, LeafNodeSource.Update, _f.Tree, 1, GroupId, null, null);
        }

        var staged = _f.Stage(2);
        using (staged.Pending)
        {
            LeafNodeValidation.Validate(staged.Path.LeafNode, LeafNodeSource.Commit, _f.Tree, 2, GroupId, null, null);
        }

        LeafNodeValidation.ValidateTree(_f.Tree, GroupId, null, null);
    }

    [Fact]
    public void Rejects_LeafSignature_of_a_changed_leaf()
    {
        var leaf = NewKeyPackageLeaf();
        var changed = new LeafNode(leaf.EncryptionKey, leaf.SignatureKey, Credential.Basic("someone else"u8.ToArray()), leaf.Capabilities, leaf.LeafNodeSource, leaf.Lifetime, null, leaf.Extensions, leaf.Signature);
        AssertRejected(MlsCheck.LeafSignature, () => ValidateKeyPackageLeaf(changed));
    }

    [Fact]
    public void Rejects_LeafSignature_of_an_update_signed_for_another_leaf_index()
    {
        var (update, key) = _f.NewUpdateLeaf(1);
        using (key)
        {
            var signedForLeaf2 = TreeFixture.Sign(_f.Suite, update, _f.Members[1].Signer, GroupId, 2);
            AssertRejected(MlsCheck.LeafSignature, () => LeafNodeValidation.Validate(signedForLeaf2, LeafNodeSource.Update, _f.Tree, 1, GroupId, null, null));
        }
    }

    [Fact]
    public void Rejects_LeafSignature_of_an_update_signed_for_another_group()
    {
        var (update, key) = _f.NewUpdateLeaf(1);
        using (key)
        {
            AssertRejected(MlsCheck.LeafSignature, () => LeafNodeValidation.Validate(update, LeafNodeSource.Update, _f.Tree, 1, "another group"u8.ToArray(), null, null));
        }
    }

    [Fact]
    public void Rejects_LeafSignature_in_a_joined_tree()
    {
        var nodes = _f.Tree.ToNodes();
        var leaf = nodes[2]!.LeafNode!;
        nodes[2] = new Node(leaf.WithSignature(new byte[leaf.Signature.Length]));
        var tree = RatchetTree.FromNodes(_f.Suite, nodes);
        AssertRejected(MlsCheck.LeafSignature, () => LeafNodeValidation.ValidateTree(tree, GroupId, null, null));
    }

    [Fact]
    public void A_joined_tree_reports_the_first_failing_leaf_though_signatures_are_verified_in_parallel()
    {
        var nodes = _f.Tree.ToNodes();
        foreach (var node in new[] { 2, 4 })
        {
            var leaf = nodes[node]!.LeafNode!;
            nodes[node] = new Node(leaf.WithSignature(new byte[leaf.Signature.Length]));
        }

        var e = Assert.Throws<MessageRejectedException>(() => LeafNodeValidation.ValidateTree(RatchetTree.FromNodes(_f.Suite, nodes), GroupId, null, null));
        Assert.Equal(MlsCheck.LeafSignature, e.Check);
        Assert.Contains("leaf 1 ", e.Message, StringComparison.Ordinal);

        // A failure of leaf 0 other than its signature comes before leaf 1's bad signature.
        var first = nodes[0]!.LeafNode!;
        var shortKey = new LeafNode(first.EncryptionKey[..31], first.SignatureKey, first.Credential, first.Capabilities, first.LeafNodeSource, first.Lifetime, first.ParentHash, first.Extensions, []);
        var signedFor = first.LeafNodeSource == LeafNodeSource.KeyPackage ? ((byte[]?)null, (uint?)null) : (GroupId, 0u);
        nodes[0] = new Node(TreeFixture.Sign(_f.Suite, shortKey, _f.Members[0].Signer, signedFor.Item1, signedFor.Item2));
        AssertRejected(MlsCheck.HpkePublicKey, () => LeafNodeValidation.ValidateTree(RatchetTree.FromNodes(_f.Suite, nodes), GroupId, null, null));
    }

    [Fact]
    public void Rejects_LeafCapabilities_lacking_a_required_extension()
    {
        var required = new RequiredCapabilities([0x0A0A], [], []);
        AssertRejected(MlsCheck.LeafCapabilities, () => ValidateKeyPackageLeaf(NewKeyPackageLeaf(), required: required));

        // Listed, it is accepted; default extension types need no listing.
        var capabilities = _f.DefaultCapabilities with { Extensions = [0x0A0A] };
        ValidateKeyPackageLeaf(NewKeyPackageLeaf(capabilities), required: required with { ExtensionTypes = [0x0A0A, Extension.ExternalSenders] });
    }

    [Fact]
    public void Rejects_LeafCapabilities_lacking_a_required_proposal_type()
    {
        var required = new RequiredCapabilities([], [(ProposalType)0x0B0B], []);
        AssertRejected(MlsCheck.LeafCapabilities, () => ValidateKeyPackageLeaf(NewKeyPackageLeaf(), required: required));
    }

    [Fact]
    public void Rejects_LeafCapabilities_lacking_a_required_credential_type()
    {
        var required = new RequiredCapabilities([], [], [CredentialType.X509]);
        AssertRejected(MlsCheck.LeafCapabilities, () => ValidateKeyPackageLeaf(NewKeyPackageLeaf(), required: required));
    }

    [Fact]
    public void Rejects_LeafCapabilities_lacking_the_group_cipher_suite()
    {
        var capabilities = _f.DefaultCapabilities with { CipherSuites = [(ushort)CipherSuiteId.MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519] };
        AssertRejected(MlsCheck.LeafCapabilities, () => ValidateKeyPackageLeaf(NewKeyPackageLeaf(capabilities)));
    }

    [Fact]
    public void Rejects_LeafCapabilities_lacking_the_protocol_version()
    {
        var capabilities = _f.DefaultCapabilities with { Versions = [2] };
        AssertRejected(MlsCheck.LeafCapabilities, () => ValidateKeyPackageLeaf(NewKeyPackageLeaf(capabilities)));
    }

    [Fact]
    public void Rejects_LeafCapabilities_not_listing_an_extension_of_the_leaf()
    {
        Extension[] extensions = [new Extension(0x0A0A, [1, 2])];
        AssertRejected(MlsCheck.LeafCapabilities, () => ValidateKeyPackageLeaf(NewKeyPackageLeaf(extensions: extensions)));
        ValidateKeyPackageLeaf(NewKeyPackageLeaf(extensions: [new Extension(Extension.ApplicationId, [1])]));
    }

    [Fact]
    public void Rejects_CredentialType_missing_from_the_leaf_capabilities()
    {
        var capabilities = _f.DefaultCapabilities with { Credentials = [CredentialType.X509] };
        AssertRejected(MlsCheck.CredentialType, () => ValidateKeyPackageLeaf(NewKeyPackageLeaf(capabilities)));
    }

    [Fact]
    public void Rejects_CredentialType_the_members_do_not_support()
    {
        var (leaf, key, signer) = _f.NewKeyPackageLeaf(_f.DefaultCapabilities with { Credentials = [CredentialType.Basic, CredentialType.X509] });
        using (key)
        using (signer)
        {
            var x509 = new LeafNode(leaf.EncryptionKey, leaf.SignatureKey, Credential.X509([X509CredentialKeyTests.CertificateFor(leaf.SignatureKey)]), leaf.Capabilities, LeafNodeSource.KeyPackage, leaf.Lifetime, null, [], []);
            x509 = TreeFixture.Sign(_f.Suite, x509, signer, null, null);
            AssertRejected(MlsCheck.CredentialType, () => ValidateKeyPackageLeaf(x509));
        }
    }

    [Fact]
    public void Rejects_LeafLifetime_expired_or_not_yet_valid()
    {
        var leaf = NewKeyPackageLeaf(lifetime: new Lifetime(1_000, 2_000));
        ValidateKeyPackageLeaf(leaf, now: 1_000);
        ValidateKeyPackageLeaf(leaf, now: 2_000);
        ValidateKeyPackageLeaf(leaf, now: null);
        AssertRejected(MlsCheck.LeafLifetime, () => ValidateKeyPackageLeaf(leaf, now: 2_001));
        AssertRejected(MlsCheck.LeafLifetime, () => ValidateKeyPackageLeaf(leaf, now: 999));
    }

    [Fact]
    public void Rejects_LeafSource_of_a_key_package_leaf_in_an_update()
    {
        var leaf = NewKeyPackageLeaf();
        AssertRejected(MlsCheck.LeafSource, () => LeafNodeValidation.Validate(leaf, LeafNodeSource.Update, _f.Tree, 1, GroupId, null, null));
        AssertRejected(MlsCheck.LeafSource, () => LeafNodeValidation.Validate(leaf, LeafNodeSource.Commit, _f.Tree, 1, GroupId, null, null));
    }

    [Fact]
    public void Rejects_LeafSource_of_an_update_leaf_in_a_key_package()
    {
        var (update, key) = _f.NewUpdateLeaf(1);
        using (key)
        {
            AssertRejected(MlsCheck.LeafSource, () => ValidateKeyPackageLeaf(update));
        }
    }

    [Fact]
    public void Rejects_DuplicateEncryptionKey_of_another_member()
    {
        var (leaf, key, signer) = _f.NewKeyPackageLeaf();
        using (key)
        using (signer)
        {
            var copy = new LeafNode(_f.Tree.GetLeaf(1)!.EncryptionKey, leaf.SignatureKey, leaf.Credential, leaf.Capabilities, leaf.LeafNodeSource, leaf.Lifetime, null, leaf.Extensions, []);
            AssertRejected(MlsCheck.DuplicateEncryptionKey, () => ValidateKeyPackageLeaf(TreeFixture.Sign(_f.Suite, copy, signer, null, null)));
        }
    }

    [Fact]
    public void Rejects_DuplicateEncryptionKey_of_an_update_keeping_its_key()
    {
        var (update, key) = _f.NewUpdateLeaf(1, encryptionKey: _f.Tree.GetLeaf(1)!.EncryptionKey);
        using (key)
        {
            AssertRejected(MlsCheck.DuplicateEncryptionKey, () => LeafNodeValidation.Validate(update, LeafNodeSource.Update, _f.Tree, 1, GroupId, null, null));
        }
    }

    [Fact]
    public void Rejects_DuplicateSignatureKey_of_another_member()
    {
        var (leaf, key, signer) = _f.NewKeyPackageLeaf();
        using (key)
        using (signer)
        {
            var member = _f.Members[2].Signer;
            var copy = new LeafNode(leaf.EncryptionKey, member.PublicKey, leaf.Credential, leaf.Capabilities, leaf.LeafNodeSource, leaf.Lifetime, null, leaf.Extensions, []);
            AssertRejected(MlsCheck.DuplicateSignatureKey, () => ValidateKeyPackageLeaf(TreeFixture.Sign(_f.Suite, copy, member, null, null)));
        }
    }

    [Fact]
    public void Rejects_DuplicateSignatureKey_in_a_joined_tree()
    {
        // Member 2 re-signs a copy of its leaf with member 1's signature key.
        var nodes = _f.Tree.ToNodes();
        var leaf = nodes[4]!.LeafNode!;
        var signer = _f.Members[1].Signer;
        var copy = new LeafNode(leaf.EncryptionKey, signer.PublicKey, leaf.Credential, leaf.Capabilities, leaf.LeafNodeSource, leaf.Lifetime, leaf.ParentHash, leaf.Extensions, []);
        nodes[4] = new Node(TreeFixture.Sign(_f.Suite, copy, signer, leaf.LeafNodeSource == LeafNodeSource.KeyPackage ? null : GroupId, leaf.LeafNodeSource == LeafNodeSource.KeyPackage ? null : 2));
        var tree = RatchetTree.FromNodes(_f.Suite, nodes);
        AssertRejected(MlsCheck.DuplicateSignatureKey, () => LeafNodeValidation.ValidateTree(tree, GroupId, null, null));
    }

    [Fact]
    public void Rejects_HpkePublicKey_of_the_wrong_length()
    {
        var (leaf, key, signer) = _f.NewKeyPackageLeaf();
        using (key)
        using (signer)
        {
            var shortKey = new LeafNode(leaf.EncryptionKey[..31], leaf.SignatureKey, leaf.Credential, leaf.Capabilities, leaf.LeafNodeSource, leaf.Lifetime, null, leaf.Extensions, []);
            AssertRejected(MlsCheck.HpkePublicKey, () => ValidateKeyPackageLeaf(TreeFixture.Sign(_f.Suite, shortKey, signer, null, null)));
        }
    }

    [Fact]
    public void Reads_required_capabilities_from_the_group_context()
    {
        var required = new RequiredCapabilities([0x0A0A], [], []);
        var context = new GroupContext((ushort)_f.Suite.Id, GroupId, 1, new byte[32], new byte[32], [new Extension(Extension.RequiredCapabilities, Mls.Codec.TlsWriter.Encode(required))]);
        Assert.Equal(required, LeafNodeValidation.RequiredCapabilitiesOf(context.Extensions));
        AssertRejected(MlsCheck.LeafCapabilities, () => LeafNodeValidation.Validate(NewKeyPackageLeaf(), LeafNodeSource.KeyPackage, _f.Tree, null, context, null));
    }

    private LeafNode NewKeyPackageLeaf(Capabilities? capabilities = null, Lifetime? lifetime = null, IReadOnlyList<Extension>? extensions = null)
    {
        var (leaf, key, signer) = _f.NewKeyPackageLeaf(capabilities, lifetime, extensions);
        key.Dispose();
        signer.Dispose();
        return leaf;
    }

    private void ValidateKeyPackageLeaf(LeafNode leaf, ulong? now = null, RequiredCapabilities? required = null)
        => LeafNodeValidation.Validate(leaf, LeafNodeSource.KeyPackage, _f.Tree, null, GroupId, required, now);
}
