using System.Text.Json;
using Courier.Mls.Crypto;
using Courier.Mls.Group;
using Courier.Mls.Hpke;
using Courier.Mls.KeySchedule;
using Courier.Mls.Messages;
using Courier.Mls.TranscriptHash;

namespace Courier.Vectors;

/// <summary>
/// welcome.json: join by Welcome without a tree (RFC 9420 §12.4.3.1). Find our EncryptedGroupSecrets
/// by the KeyPackageRef of <c>key_package</c>, decrypt them with <c>init_priv</c>, decrypt the
/// GroupInfo, verify its signature with <c>signer_pub</c>, and recompute its confirmation_tag from
/// the key schedule started at joiner_secret with no PSKs.
/// </summary>
public sealed class WelcomeVectors : VectorFile
{
    /// <inheritdoc/>
    public override string FileName => "welcome.json";

    internal override void Check(JsonElement testCase, CipherSuite? suite)
    {
        ArgumentNullException.ThrowIfNull(suite);
        var keyPackage = MLSMessage.FromBytes(Expect.Hex(testCase, "key_package")).KeyPackage
            ?? throw new VectorMismatchException("key_package is not an MLSMessage(KeyPackage)");
        var welcome = MLSMessage.FromBytes(Expect.Hex(testCase, "welcome")).Welcome
            ?? throw new VectorMismatchException("welcome is not an MLSMessage(Welcome)");
        KeyPackageValidation.Validate(suite, keyPackage);

        var initPriv = Expect.Hex(testCase, "init_priv");
        using var initKey = HpkePrivateKey.Import(initPriv, suite.Id);
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(initPriv);
        Expect.Equal(keyPackage.InitKey, initKey.PublicKey, "public key of init_priv");

        using var processed = WelcomeProcessing.Process(welcome, keyPackage, initKey, _ => null);
        var groupInfo = processed.GroupInfo;
        Expect.Equal((ushort)suite.Id, groupInfo.GroupContext.CipherSuite, "GroupInfo cipher_suite");
        GroupInfoSigning.Verify(suite, groupInfo, Expect.Hex(testCase, "signer_pub"));

        using (var epoch = EpochSecrets.FromJoinerSecret(suite, processed.GroupSecrets.JoinerSecret, null, groupInfo.GroupContext))
        {
            Expect.Equal(
                groupInfo.ConfirmationTag,
                ConfirmationTag.Compute(suite, epoch.ConfirmationKey, groupInfo.GroupContext.ConfirmedTranscriptHash),
                "confirmation_tag");
        }

        // The joining path the group state machine uses must accept the same tag.
        using var joined = processed.DeriveEpochSecrets();
    }
}
