namespace Courier.Mls.Group;

/// <summary>RFC 9420 §12.4.3: the signature of a GroupInfo, <c>SignWithLabel(., "GroupInfoTBS", GroupInfoTBS)</c> by the member at leaf <c>signer</c>.</summary>
internal static class GroupInfoSigning
{
    /// <summary>The SignWithLabel label of a GroupInfo's signature.</summary>
    public const string SignatureLabel = "GroupInfoTBS";

    /// <summary>Signs <paramref name="toBeSigned"/> with the key of the member at leaf <c>signer</c>.</summary>
    public static GroupInfo Sign(CipherSuite suite, GroupInfoTBS toBeSigned, SignaturePrivateKey signer)
    {
        ArgumentNullException.ThrowIfNull(suite);
        ArgumentNullException.ThrowIfNull(toBeSigned);
        ArgumentNullException.ThrowIfNull(signer);
        if (toBeSigned.GroupContext.CipherSuite != (ushort)suite.Id)
        {
            throw new ArgumentException("The GroupInfo is of another ciphersuite.", nameof(toBeSigned));
        }

        var signature = suite.SignWithLabel(signer, SignatureLabel, toBeSigned.ToBytes());
        return new GroupInfo(toBeSigned.GroupContext, toBeSigned.Extensions, toBeSigned.ConfirmationTag, toBeSigned.Signer, signature);
    }

    /// <summary>
    /// Accepts the signature of <paramref name="groupInfo"/> or throws
    /// <see cref="MessageRejectedException"/> (<see cref="MlsCheck.GroupInfoSignature"/>).
    /// <paramref name="signerPublicKey"/> is the signature_key of the leaf at <c>groupInfo.signer</c>
    /// in the group's ratchet tree, or null when that leaf is blank or outside the tree (also a rejection).
    /// </summary>
    public static void Verify(CipherSuite suite, GroupInfo groupInfo, byte[]? signerPublicKey)
    {
        ArgumentNullException.ThrowIfNull(suite);
        ArgumentNullException.ThrowIfNull(groupInfo);
        if (signerPublicKey is null)
        {
            throw new MessageRejectedException(MlsCheck.GroupInfoSignature, "the GroupInfo signer is a blank leaf or outside the tree");
        }

        if (!suite.VerifyWithLabel(signerPublicKey, SignatureLabel, groupInfo.ToBeSigned().ToBytes(), groupInfo.Signature))
        {
            throw new MessageRejectedException(MlsCheck.GroupInfoSignature, "the GroupInfo signature does not verify with the signer's key");
        }
    }
}
