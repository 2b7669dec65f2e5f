using Courier.Mls.Hpke;

namespace Courier.Mls.TreeSync;

/// <summary>
/// RFC 9420 §7.3: the validity of a LeafNode in the context of a group, for a KeyPackage's leaf
/// (§10.1), an Update proposal (§12.1.2), a commit's UpdatePath (§12.4.2) and each leaf of a tree
/// being joined (§12.4.3.1). Courier issues basic credentials only and accepts x509 ones whose
/// certificate carries the leaf's signature key (§5.3); whether a credential is acceptable to the
/// application (§5.3.1) is the application's decision, not checked here. Each
/// failure is a <see cref="MessageRejectedException"/> naming the check.
/// </summary>
internal static class LeafNodeValidation
{
    /// <summary>The SignWithLabel label of a LeafNode's signature (§7.2).</summary>
    public const string SignatureLabel = "LeafNodeTBS";

    /// <summary>
    /// Validates <paramref name="leaf"/>, which appears as <paramref name="source"/> (a KeyPackage, an
    /// Update proposal or a commit's UpdatePath) for the group whose tree is <paramref name="tree"/>:
    /// leaf_node_source; the signature over LeafNodeTBS (with <paramref name="groupId"/> and
    /// <paramref name="leafIndex"/> for update and commit); capabilities listing the group's version
    /// and cipher suite, <paramref name="requiredCapabilities"/> and the leaf's own non-default
    /// extensions; the credential type against every member; the lifetime at <paramref name="now"/>;
    /// and the keys' uniqueness among the members.
    /// </summary>
    /// <param name="leaf">The leaf node to validate.</param>
    /// <param name="source">Where it appears: key_package, update or commit.</param>
    /// <param name="tree">The group's tree, with the leaf not yet placed in it.</param>
    /// <param name="leafIndex">
    /// The leaf being replaced: the sender of an Update, the committer (for an external commit, the
    /// blank leaf it takes). Null for a KeyPackage. Its current signature key may be kept; its
    /// encryption key may not (§7.3, §12.4.2), and it is not counted as another member.
    /// </param>
    /// <param name="groupId">The group's group_id, signed for sources update and commit.</param>
    /// <param name="requiredCapabilities">The group's required_capabilities, or null when it has none.</param>
    /// <param name="now">Seconds since the Unix epoch, or null to skip the lifetime check (the library has no clock).</param>
    /// <exception cref="MessageRejectedException">
    /// <see cref="MlsCheck.LeafSource"/>, <see cref="MlsCheck.LeafSignature"/>, <see cref="MlsCheck.HpkePublicKey"/>,
    /// <see cref="MlsCheck.LeafCapabilities"/>, <see cref="MlsCheck.CredentialType"/>, <see cref="MlsCheck.LeafLifetime"/>,
    /// <see cref="MlsCheck.DuplicateEncryptionKey"/> or <see cref="MlsCheck.DuplicateSignatureKey"/>.
    /// </exception>
    /// <param name="verifySignature">False only for a leaf whose signature already verified (a KeyPackage's, verified when its Add arrived).</param>
    public static void Validate(LeafNode leaf, LeafNodeSource source, RatchetTree tree, uint? leafIndex, byte[] groupId, RequiredCapabilities? requiredCapabilities, ulong? now, bool verifySignature = true)
    {
        ArgumentNullException.ThrowIfNull(leaf);
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentNullException.ThrowIfNull(groupId);
        if (source != LeafNodeSource.KeyPackage && leafIndex is null)
        {
            throw new ArgumentException("An update or commit leaf node replaces a leaf: its index is needed.", nameof(leafIndex));
        }

        if (leaf.LeafNodeSource != source)
        {
            throw new MessageRejectedException(MlsCheck.LeafSource, $"leaf_node_source is {leaf.LeafNodeSource}, expected {source}");
        }

        if (verifySignature && !VerifySignature(leaf, tree.Suite, groupId, leafIndex ?? 0))
        {
            throw SignatureRejected(leafIndex);
        }

        CheckLeafContent(leaf, tree, requiredCapabilities, now);
        CheckAgainstMembers(leaf, leafIndex, tree);
    }

    /// <summary>
    /// <see cref="Validate(LeafNode, LeafNodeSource, RatchetTree, uint?, byte[], RequiredCapabilities?, ulong?, bool)"/>
    /// with the group_id and required_capabilities of <paramref name="context"/>.
    /// </summary>
    /// <exception cref="DecodeException">The context's required_capabilities extension does not decode.</exception>
    public static void Validate(LeafNode leaf, LeafNodeSource source, RatchetTree tree, uint? leafIndex, GroupContext context, ulong? now)
    {
        ArgumentNullException.ThrowIfNull(context);
        Validate(leaf, source, tree, leafIndex, context.GroupId, RequiredCapabilitiesOf(context.Extensions), now);
    }

    /// <summary>
    /// RFC 9420 §12.4.3.1: validates every non-blank leaf of a tree being joined, each against the
    /// others, with the signature context its own leaf_node_source implies. The signatures, one per
    /// leaf and each verified once, are checked across the cores first; the checks then run in leaf
    /// order, so the failure reported is the one a loop over the leaves would report.
    /// <paramref name="verifySignatures"/> is false only for a tree whose leaves were each verified
    /// when they entered it (the group's own tree, §12.1.7).
    /// </summary>
    /// <exception cref="MessageRejectedException">As <see cref="Validate(LeafNode, LeafNodeSource, RatchetTree, uint?, byte[], RequiredCapabilities?, ulong?, bool)"/>, without LeafSource.</exception>
    public static void ValidateTree(RatchetTree tree, byte[] groupId, RequiredCapabilities? requiredCapabilities, ulong? now, bool verifySignatures = true)
    {
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentNullException.ThrowIfNull(groupId);
        var leaves = tree.Leaves.ToList();
        var signatureValid = new bool[leaves.Count];
        if (verifySignatures)
        {
            ParallelWork.For(leaves.Count, i => signatureValid[i] = VerifySignature(leaves[i].Leaf, tree.Suite, groupId, leaves[i].LeafIndex));
        }

        for (var i = 0; i < leaves.Count; i++)
        {
            var (index, leaf) = leaves[i];
            if (verifySignatures && !signatureValid[i])
            {
                throw SignatureRejected(index);
            }

            CheckLeafContent(leaf, tree, requiredCapabilities, now);
        }

        // Credential types and key uniqueness against every other member, with sets rather than pairs.
        var typesInUse = leaves.Select(l => l.Leaf.Credential.CredentialType).ToHashSet();
        var encryptionKeys = new HashSet<byte[]>(ByteArrayComparer.Instance);
        var signatureKeys = new HashSet<byte[]>(ByteArrayComparer.Instance);
        foreach (var (index, leaf) in leaves)
        {
            foreach (var type in typesInUse)
            {
                if (!leaf.Capabilities.Credentials.Contains(type))
                {
                    throw new MessageRejectedException(MlsCheck.CredentialType, $"member {index} does not support the credential type {type} in use in the group");
                }
            }

            if (!encryptionKeys.Add(leaf.EncryptionKey))
            {
                throw new MessageRejectedException(MlsCheck.DuplicateEncryptionKey, $"the encryption key of member {index} is used by another member");
            }

            if (!signatureKeys.Add(leaf.SignatureKey))
            {
                throw new MessageRejectedException(MlsCheck.DuplicateSignatureKey, $"the signature key of member {index} is used by another member");
            }
        }
    }

    /// <summary><see cref="ValidateTree(RatchetTree, byte[], RequiredCapabilities?, ulong?, bool)"/> with the group_id and required_capabilities of <paramref name="context"/>.</summary>
    /// <exception cref="DecodeException">The context's required_capabilities extension does not decode.</exception>
    public static void ValidateTree(RatchetTree tree, GroupContext context, ulong? now)
    {
        ArgumentNullException.ThrowIfNull(context);
        ValidateTree(tree, context.GroupId, RequiredCapabilitiesOf(context.Extensions), now);
    }

    /// <summary>
    /// RFC 9420 §7.2: VerifyWithLabel(signature_key, "LeafNodeTBS", LeafNodeTBS, signature). The
    /// group_id and leaf_index are part of LeafNodeTBS for sources update and commit only.
    /// </summary>
    public static bool VerifySignature(LeafNode leaf, CipherSuite suite, byte[] groupId, uint leafIndex)
    {
        ArgumentNullException.ThrowIfNull(leaf);
        ArgumentNullException.ThrowIfNull(suite);
        var tbs = leaf.LeafNodeSource == LeafNodeSource.KeyPackage ? leaf.ToBeSigned(null, null) : leaf.ToBeSigned(groupId, leafIndex);
        return suite.VerifyWithLabel(leaf.SignatureKey, SignatureLabel, tbs.ToBytes(), leaf.Signature);
    }

    /// <summary>The data of a required_capabilities extension (§11.1) among <paramref name="extensions"/>, or null when there is none.</summary>
    /// <exception cref="DecodeException">The extension data does not decode.</exception>
    public static RequiredCapabilities? RequiredCapabilitiesOf(IReadOnlyList<Extension> extensions)
    {
        ArgumentNullException.ThrowIfNull(extensions);
        var extension = extensions.FirstOrDefault(e => e.ExtensionType == Extension.RequiredCapabilities);
        return extension is null ? null : TlsReader.Decode(extension.ExtensionData, nameof(RequiredCapabilities), RequiredCapabilities.Decode);
    }

    /// <summary>§7.2: the extension types every client implements, which capabilities never list.</summary>
    public static bool IsDefaultExtension(ushort extensionType) => extensionType is >= Extension.ApplicationId and <= Extension.ExternalSenders;

    /// <summary>§7.2: the proposal types every client implements, which capabilities never list.</summary>
    public static bool IsDefaultProposal(ProposalType proposalType) => proposalType is >= ProposalType.Add and <= ProposalType.GroupContextExtensions;

    private static MessageRejectedException SignatureRejected(uint? leafIndex)
        => new(MlsCheck.LeafSignature, $"the signature of leaf {leafIndex?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(key package)"} does not verify");

    /// <summary>The checks of one leaf on its own after its signature: key format, capabilities, own credential type, lifetime.</summary>
    private static void CheckLeafContent(LeafNode leaf, RatchetTree tree, RequiredCapabilities? required, ulong? now)
    {
        if (!tree.Suite.Hpke.Kem.IsValidPublicKey(leaf.EncryptionKey))
        {
            throw new MessageRejectedException(MlsCheck.HpkePublicKey, $"the leaf's encryption key ({leaf.EncryptionKey.Length} bytes) is not a public key of the ciphersuite's KEM");
        }

        CheckCapabilities(leaf, tree, required);
        if (!leaf.Capabilities.Credentials.Contains(leaf.Credential.CredentialType))
        {
            throw new MessageRejectedException(MlsCheck.CredentialType, $"the leaf's credential type {leaf.Credential.CredentialType} is not in its own capabilities");
        }

        if (leaf.Credential.CredentialType == CredentialType.X509)
        {
            X509CredentialKey.Check(leaf.Credential, leaf.SignatureKey);
        }

        if (now is { } t && leaf.Lifetime is { } lifetime && (t < lifetime.NotBefore || t > lifetime.NotAfter))
        {
            throw new MessageRejectedException(MlsCheck.LeafLifetime, $"the time {t} is outside the leaf's lifetime [{lifetime.NotBefore}, {lifetime.NotAfter}]");
        }
    }

    private static void CheckCapabilities(LeafNode leaf, RatchetTree tree, RequiredCapabilities? required)
    {
        var capabilities = leaf.Capabilities;
        if (!capabilities.Versions.Contains(GroupContext.Mls10))
        {
            throw new MessageRejectedException(MlsCheck.LeafCapabilities, "the leaf does not support protocol version mls10");
        }

        if (!capabilities.CipherSuites.Contains((ushort)tree.Suite.Id))
        {
            throw new MessageRejectedException(MlsCheck.LeafCapabilities, $"the leaf does not support the group's cipher suite {tree.Suite}");
        }

        foreach (var extension in leaf.Extensions)
        {
            if (!IsDefaultExtension(extension.ExtensionType) && !capabilities.Extensions.Contains(extension.ExtensionType))
            {
                throw new MessageRejectedException(MlsCheck.LeafCapabilities, $"the leaf carries extension 0x{extension.ExtensionType:x4} its capabilities do not list");
            }
        }

        if (required is null)
        {
            return;
        }

        foreach (var extensionType in required.ExtensionTypes)
        {
            if (!IsDefaultExtension(extensionType) && !capabilities.Extensions.Contains(extensionType))
            {
                throw new MessageRejectedException(MlsCheck.LeafCapabilities, $"the leaf does not support the required extension 0x{extensionType:x4}");
            }
        }

        foreach (var proposalType in required.ProposalTypes)
        {
            if (!IsDefaultProposal(proposalType) && !capabilities.Proposals.Contains(proposalType))
            {
                throw new MessageRejectedException(MlsCheck.LeafCapabilities, $"the leaf does not support the required proposal type 0x{(ushort)proposalType:x4}");
            }
        }

        foreach (var credentialType in required.CredentialTypes)
        {
            if (!capabilities.Credentials.Contains(credentialType))
            {
                throw new MessageRejectedException(MlsCheck.LeafCapabilities, $"the leaf does not support the required credential type 0x{(ushort)credentialType:x4}");
            }
        }
    }

    /// <summary>Credential types both ways and key uniqueness against every member but the replaced leaf (whose encryption key is still refused).</summary>
    private static void CheckAgainstMembers(LeafNode leaf, uint? leafIndex, RatchetTree tree)
    {
        var own = leaf.Credential.CredentialType;
        foreach (var (index, member) in tree.Leaves)
        {
            if (member.EncryptionKey.AsSpan().SequenceEqual(leaf.EncryptionKey))
            {
                throw new MessageRejectedException(MlsCheck.DuplicateEncryptionKey, index == leafIndex
                    ? $"the leaf keeps the encryption key of the leaf {index} it replaces"
                    : $"member {index} has the same encryption key");
            }

            if (index == leafIndex)
            {
                continue;
            }

            if (member.SignatureKey.AsSpan().SequenceEqual(leaf.SignatureKey))
            {
                throw new MessageRejectedException(MlsCheck.DuplicateSignatureKey, $"member {index} has the same signature key");
            }

            if (!member.Capabilities.Credentials.Contains(own))
            {
                throw new MessageRejectedException(MlsCheck.CredentialType, $"member {index} does not support the credential type {own}");
            }

            if (!leaf.Capabilities.Credentials.Contains(member.Credential.CredentialType))
            {
                throw new MessageRejectedException(MlsCheck.CredentialType, $"the leaf does not support the credential type {member.Credential.CredentialType} of member {index}");
            }
        }
    }
}
