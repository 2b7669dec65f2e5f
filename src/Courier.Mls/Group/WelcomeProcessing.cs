using System.Security.Cryptography;
using Courier.Mls.Hpke;

namespace Courier.Mls.Group;

/// <summary>
/// RFC 9420 §12.4.3.1, the steps of joining by Welcome that need no tree: find our
/// EncryptedGroupSecrets, decrypt the GroupSecrets with our init key, resolve the PSKs, derive
/// welcome_secret and decrypt the GroupInfo. The caller then verifies the GroupInfo signature with
/// the signer's key from the tree, validates the tree, and derives the epoch with
/// <see cref="ProcessedWelcome.DeriveEpochSecrets"/> (which checks the confirmation tag).
/// </summary>
internal static class WelcomeProcessing
{
    /// <summary>
    /// Processes <paramref name="welcome"/> for the KeyPackage of <paramref name="bundle"/>.
    /// <paramref name="resolvePsk"/> gives the PSK a PreSharedKeyID names, or null when we do not hold
    /// it; the secrets it returns stay the caller's.
    /// </summary>
    /// <exception cref="MessageRejectedException">A check failed; <see cref="MessageRejectedException.Check"/> names it.</exception>
    /// <exception cref="DecodeException">Authenticated plaintext is not a valid GroupSecrets or GroupInfo.</exception>
    public static ProcessedWelcome Process(Welcome welcome, KeyPackageBundle bundle, Func<PreSharedKeyID, Secret?> resolvePsk)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        return Process(welcome, bundle.KeyPackage, bundle.InitKey, resolvePsk);
    }

    /// <summary>
    /// Processes <paramref name="welcome"/> for <paramref name="keyPackage"/>, whose init_key's
    /// private key is <paramref name="initKey"/>.
    /// </summary>
    /// <inheritdoc cref="Process(Welcome, KeyPackageBundle, Func{PreSharedKeyID, Secret?})"/>
    public static ProcessedWelcome Process(Welcome welcome, KeyPackage keyPackage, HpkePrivateKey initKey, Func<PreSharedKeyID, Secret?> resolvePsk)
    {
        ArgumentNullException.ThrowIfNull(welcome);
        ArgumentNullException.ThrowIfNull(keyPackage);
        ArgumentNullException.ThrowIfNull(initKey);
        ArgumentNullException.ThrowIfNull(resolvePsk);

        var suite = CipherSuite.Find(welcome.CipherSuite);
        if (suite is null || welcome.CipherSuite != keyPackage.CipherSuite)
        {
            throw new MessageRejectedException(MlsCheck.WelcomeCipherSuite, "the Welcome is of another ciphersuite than our KeyPackage");
        }

        var reference = KeyPackageReference.Compute(suite, keyPackage);
        var ours = welcome.Secrets.FirstOrDefault(s => s.NewMember.AsSpan().SequenceEqual(reference))
            ?? throw new MessageRejectedException(MlsCheck.WelcomeNotForUs, "the Welcome has no secrets for our KeyPackage");

        var groupSecrets = DecryptGroupSecrets(suite, welcome, ours, initKey);
        Secret? pskSecret = null;
        try
        {
            CheckGroupSecrets(suite, groupSecrets);
            pskSecret = DerivePskSecret(suite, groupSecrets.Psks, resolvePsk);
            var groupInfo = DecryptGroupInfo(suite, welcome, groupSecrets.JoinerSecret, pskSecret);
            if (groupInfo.GroupContext.CipherSuite != keyPackage.CipherSuite)
            {
                throw new MessageRejectedException(MlsCheck.GroupInfoCipherSuite, "the GroupInfo is of another ciphersuite than our KeyPackage");
            }

            return new ProcessedWelcome(suite, groupInfo, groupSecrets, pskSecret);
        }
        catch
        {
            groupSecrets.Dispose();
            pskSecret?.Dispose();
            throw;
        }
    }

    /// <summary><c>group_secrets = DecryptWithLabel(init_key_priv, "Welcome", encrypted_group_info, kem_output, ciphertext)</c>.</summary>
    private static GroupSecrets DecryptGroupSecrets(CipherSuite suite, Welcome welcome, EncryptedGroupSecrets ours, HpkePrivateKey initKey)
    {
        var plaintext = suite.DecryptWithLabel(
            initKey,
            WelcomeBuilder.EncryptionLabel,
            welcome.EncryptedGroupInfo,
            ours.Ciphertext.KemOutput,
            ours.Ciphertext.Ciphertext)
            ?? throw new MessageRejectedException(MlsCheck.Decryption, "the group secrets do not decrypt with our init key");
        try
        {
            return GroupSecrets.FromBytes(plaintext);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>The secrets must have the size the key schedule and the tree use, and at most one PSK may start a reinit or branch.</summary>
    private static void CheckGroupSecrets(CipherSuite suite, GroupSecrets groupSecrets)
    {
        if (groupSecrets.JoinerSecret.Length != suite.HashSize
            || (groupSecrets.PathSecret is { } pathSecret && pathSecret.Length != suite.HashSize))
        {
            throw new MessageRejectedException(MlsCheck.GroupSecretsLength, $"joiner_secret and path_secret must be KDF.Nh = {suite.HashSize} bytes");
        }

        if (groupSecrets.Psks.Count(p => p.PskType == PSKType.Resumption && p.Usage is ResumptionPSKUsage.Reinit or ResumptionPSKUsage.Branch) > 1)
        {
            throw new MessageRejectedException(MlsCheck.ResumptionPskUsage, "more than one resumption PSK with usage reinit or branch");
        }
    }

    /// <summary><c>psk_secret</c> over the PSKs GroupSecrets names, in order (§8.4).</summary>
    private static Secret DerivePskSecret(CipherSuite suite, IReadOnlyList<PreSharedKeyID> ids, Func<PreSharedKeyID, Secret?> resolvePsk)
    {
        var psks = new List<(PreSharedKeyID Id, Secret Psk)>(ids.Count);
        foreach (var id in ids)
        {
            var psk = resolvePsk(id) ?? throw new MessageRejectedException(MlsCheck.MissingPsk, $"we do not hold a {id.PskType} PSK the Welcome names");
            psks.Add((id, psk));
        }

        return PskSecret.Derive(suite, psks);
    }

    /// <summary>GroupInfo = AEAD.Open(welcome_key, welcome_nonce, "", encrypted_group_info).</summary>
    private static GroupInfo DecryptGroupInfo(CipherSuite suite, Welcome welcome, Secret joinerSecret, Secret pskSecret)
    {
        byte[]? plaintext;
        using (var welcomeSecret = EpochSecrets.DeriveWelcomeSecret(suite, joinerSecret, pskSecret))
        using (var welcomeKey = EpochSecrets.DeriveWelcomeKey(suite, welcomeSecret))
        using (var welcomeNonce = EpochSecrets.DeriveWelcomeNonce(suite, welcomeSecret))
        {
            plaintext = suite.Aead.Open(welcomeKey.Span, welcomeNonce.Span, default, welcome.EncryptedGroupInfo);
        }

        if (plaintext is null)
        {
            throw new MessageRejectedException(MlsCheck.Decryption, "the GroupInfo does not decrypt with the welcome key");
        }

        return TlsReader.Decode(plaintext, nameof(GroupInfo), GroupInfo.Decode);
    }
}
