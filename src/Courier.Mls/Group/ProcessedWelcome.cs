using Courier.Mls.TranscriptHash;

namespace Courier.Mls.Group;

/// <summary>
/// RFC 9420 §12.4.3.1: what a new member learns from a Welcome before it has the tree: the decrypted
/// GroupInfo (signature not yet verified: the signer's key is in the tree), its GroupSecrets and the
/// <c>psk_secret</c> of the PSKs they name. It owns the secrets and wipes them on <see cref="Dispose"/>.
/// </summary>
internal sealed class ProcessedWelcome : IDisposable
{
    /// <summary>Takes ownership of <paramref name="groupSecrets"/> and <paramref name="pskSecret"/>.</summary>
    internal ProcessedWelcome(CipherSuite suite, GroupInfo groupInfo, GroupSecrets groupSecrets, Secret pskSecret)
    {
        Suite = suite;
        GroupInfo = groupInfo;
        GroupSecrets = groupSecrets;
        PskSecret = pskSecret;
    }

    /// <summary>The ciphersuite of the Welcome, the KeyPackage and the GroupInfo.</summary>
    public CipherSuite Suite { get; }

    /// <summary>The decrypted GroupInfo. Its signature is for the caller to verify (<see cref="GroupInfoSigning.Verify"/>).</summary>
    public GroupInfo GroupInfo { get; }

    /// <summary>The decrypted GroupSecrets: joiner_secret, the optional path_secret, the PSK ids.</summary>
    public GroupSecrets GroupSecrets { get; }

    /// <summary><c>psk_secret</c> over <c>GroupSecrets.psks</c> (§8.4); all-zero KDF.Nh bytes when there are none.</summary>
    public Secret PskSecret { get; }

    /// <summary>Lets a caller write <c>var (groupInfo, groupSecrets) = processed;</c>.</summary>
    public void Deconstruct(out GroupInfo groupInfo, out GroupSecrets groupSecrets)
    {
        groupInfo = GroupInfo;
        groupSecrets = GroupSecrets;
    }

    /// <summary>
    /// The key schedule of the epoch the Welcome joins (from joiner_secret, psk_secret and the
    /// GroupInfo's GroupContext), after verifying the GroupInfo's confirmation_tag with its
    /// confirmation_key and the GroupContext's confirmed_transcript_hash (§12.4.3.1). The caller
    /// disposes the result.
    /// </summary>
    /// <exception cref="MessageRejectedException">The confirmation tag does not verify (<see cref="MlsCheck.ConfirmationTag"/>).</exception>
    public EpochSecrets DeriveEpochSecrets()
    {
        var secrets = EpochSecrets.FromJoinerSecret(Suite, GroupSecrets.JoinerSecret, PskSecret, GroupInfo.GroupContext);
        if (!ConfirmationTag.Verify(Suite, secrets.ConfirmationKey, GroupInfo.GroupContext.ConfirmedTranscriptHash, GroupInfo.ConfirmationTag))
        {
            secrets.Dispose();
            throw new MessageRejectedException(MlsCheck.ConfirmationTag, "the GroupInfo's confirmation tag does not verify");
        }

        return secrets;
    }

    /// <summary>Wipes joiner_secret, path_secret and psk_secret.</summary>
    public void Dispose()
    {
        GroupSecrets.Dispose();
        PskSecret.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => $"ProcessedWelcome({Suite}, epoch {GroupInfo.GroupContext.Epoch})";
}
