using Courier.Mls.Hpke;

namespace Courier.Mls.Group;

/// <summary>
/// RFC 9420 §10.1: the checks of a KeyPackage before it is used to add its owner, or when it arrives
/// in an Add. The validation of its <c>leaf_node</c> as a LeafNode (§7.3: credential, capabilities,
/// lifetime, leaf signature, uniqueness in the tree) belongs to TreeSync's LeafNodeValidation; this
/// class only checks that the leaf was made for a KeyPackage.
/// </summary>
internal static class KeyPackageValidation
{
    /// <summary>The SignWithLabel label of a KeyPackage's signature (§10).</summary>
    public const string SignatureLabel = "KeyPackageTBS";

    /// <summary>
    /// Accepts <paramref name="keyPackage"/> for a group of <paramref name="suite"/> (and version
    /// mls10), or throws <see cref="MessageRejectedException"/> naming the failed check. The signature
    /// is skipped only for a KeyPackage whose signature already verified (<paramref name="verifySignature"/> false).
    /// </summary>
    public static void Validate(CipherSuite suite, KeyPackage keyPackage, bool verifySignature = true)
    {
        ArgumentNullException.ThrowIfNull(suite);
        ArgumentNullException.ThrowIfNull(keyPackage);

        if (keyPackage.Version != GroupContext.Mls10)
        {
            throw new MessageRejectedException(MlsCheck.KeyPackageVersion, "the KeyPackage is not for version mls10");
        }

        if (keyPackage.CipherSuite != (ushort)suite.Id)
        {
            throw new MessageRejectedException(MlsCheck.KeyPackageCipherSuite, "the KeyPackage is for another ciphersuite than the group's");
        }

        if (keyPackage.LeafNode.LeafNodeSource != LeafNodeSource.KeyPackage)
        {
            throw new MessageRejectedException(MlsCheck.LeafSource, "the leaf node of a KeyPackage must have leaf_node_source key_package");
        }

        // An init_key of the wrong size would only fail later, when a Welcome is encrypted to it.
        if (!suite.Hpke.Kem.IsValidPublicKey(keyPackage.InitKey))
        {
            throw new MessageRejectedException(MlsCheck.KeyPackageInitKey, "the init_key is not a public key of the ciphersuite's KEM");
        }

        if (verifySignature && !suite.VerifyWithLabel(keyPackage.LeafNode.SignatureKey, SignatureLabel, keyPackage.ToBeSigned().ToBytes(), keyPackage.Signature))
        {
            throw new MessageRejectedException(MlsCheck.KeyPackageSignature, "the KeyPackage signature does not verify with the leaf's signature key");
        }

        if (keyPackage.InitKey.AsSpan().SequenceEqual(keyPackage.LeafNode.EncryptionKey))
        {
            throw new MessageRejectedException(MlsCheck.InitKeyEqualsEncryptionKey, "the init_key equals the leaf's encryption_key");
        }
    }
}
