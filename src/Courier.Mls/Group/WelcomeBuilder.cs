namespace Courier.Mls.Group;

/// <summary>
/// RFC 9420 §12.4.3.1: builds the Welcome of a Commit. The GroupInfo is encrypted once under
/// <c>welcome_key</c>/<c>welcome_nonce</c> from <c>welcome_secret</c>; each new member gets its
/// GroupSecrets (joiner_secret, optional path_secret, the PSK ids) encrypted to its init_key with
/// <c>EncryptWithLabel(init_key, "Welcome", encrypted_group_info, GroupSecrets)</c>.
/// </summary>
internal static class WelcomeBuilder
{
    /// <summary>The EncryptWithLabel label of GroupSecrets.</summary>
    public const string EncryptionLabel = "Welcome";

    /// <summary>
    /// The Welcome for <paramref name="recipients"/> into the epoch of <paramref name="groupInfo"/>
    /// (already signed). <paramref name="psks"/> are the PSKs the Commit injected, in the order of its
    /// PreSharedKey proposals: their ids go into GroupSecrets and their values into
    /// <c>psk_secret</c>, so the two cannot disagree. The caller keeps ownership of
    /// <paramref name="joinerSecret"/>, the PSKs and the path secrets; every secret made here is wiped.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// A secret has the wrong length, a KeyPackage or the GroupInfo is of another ciphersuite, a
    /// KeyPackage appears twice, or there is no recipient.
    /// </exception>
    public static Welcome Build(
        CipherSuite suite,
        GroupInfo groupInfo,
        Secret joinerSecret,
        IReadOnlyList<(PreSharedKeyID Id, Secret Psk)> psks,
        IReadOnlyList<WelcomeRecipient> recipients,
        IRandom random)
    {
        ArgumentNullException.ThrowIfNull(suite);
        ArgumentNullException.ThrowIfNull(groupInfo);
        ArgumentNullException.ThrowIfNull(joinerSecret);
        ArgumentNullException.ThrowIfNull(psks);
        ArgumentNullException.ThrowIfNull(recipients);
        ArgumentNullException.ThrowIfNull(random);
        if (groupInfo.GroupContext.CipherSuite != (ushort)suite.Id)
        {
            throw new ArgumentException("The GroupInfo is of another ciphersuite.", nameof(groupInfo));
        }

        if (recipients.Count == 0)
        {
            throw new ArgumentException("A Welcome needs at least one new member.", nameof(recipients));
        }

        var references = new List<byte[]>(recipients.Count);
        foreach (var recipient in recipients)
        {
            ArgumentNullException.ThrowIfNull(recipient, nameof(recipients));
            if (recipient.KeyPackage.CipherSuite != (ushort)suite.Id)
            {
                throw new ArgumentException("A KeyPackage is of another ciphersuite than the group.", nameof(recipients));
            }

            if (recipient.PathSecret is { } pathSecret && pathSecret.Length != suite.HashSize)
            {
                throw new ArgumentException($"A path secret is KDF.Nh = {suite.HashSize} bytes.", nameof(recipients));
            }

            var reference = KeyPackageReference.Compute(suite, recipient.KeyPackage);
            if (references.Any(r => r.AsSpan().SequenceEqual(reference)))
            {
                throw new ArgumentException("A KeyPackage appears twice.", nameof(recipients));
            }

            references.Add(reference);
        }

        var encryptedGroupInfo = EncryptGroupInfo(suite, groupInfo, joinerSecret, psks);
        var pskIds = psks.Select(p => p.Id).ToList();
        var plaintexts = new List<(byte[] InitKey, Secret GroupSecrets)>(recipients.Count);
        try
        {
            foreach (var recipient in recipients)
            {
                using var groupSecrets = new GroupSecrets(joinerSecret.Clone(), recipient.PathSecret?.Clone(), pskIds);
                plaintexts.Add((recipient.KeyPackage.InitKey, groupSecrets.ToSecret()));
            }

            // The HPKE info holds the whole encrypted GroupInfo (the ratchet tree): hash it once, not per recipient.
            var info = suite.EncryptWithLabelInfo(EncryptionLabel, encryptedGroupInfo);
            var ciphertexts = suite.EncryptWithLabel(info, plaintexts, random);
            var secrets = ciphertexts.Select((c, i) => new EncryptedGroupSecrets(references[i], new HPKECiphertext(c.KemOutput, c.Ciphertext))).ToList();
            return new Welcome((ushort)suite.Id, secrets, encryptedGroupInfo);
        }
        finally
        {
            plaintexts.ForEach(p => p.GroupSecrets.Dispose());
        }
    }

    /// <summary>
    /// <c>encrypted_group_info = AEAD.Seal(welcome_key, welcome_nonce, "", GroupInfo)</c> with
    /// <c>welcome_secret = DeriveSecret(KDF.Extract(joiner_secret, psk_secret), "welcome")</c>.
    /// </summary>
    private static byte[] EncryptGroupInfo(CipherSuite suite, GroupInfo groupInfo, Secret joinerSecret, IReadOnlyList<(PreSharedKeyID Id, Secret Psk)> psks)
    {
        using var pskSecret = PskSecret.Derive(suite, psks);
        using var welcomeSecret = EpochSecrets.DeriveWelcomeSecret(suite, joinerSecret, pskSecret);
        using var welcomeKey = EpochSecrets.DeriveWelcomeKey(suite, welcomeSecret);
        using var welcomeNonce = EpochSecrets.DeriveWelcomeNonce(suite, welcomeSecret);
        return suite.Aead.Seal(welcomeKey.Span, welcomeNonce.Span, default, groupInfo.ToBytes());
    }
}
