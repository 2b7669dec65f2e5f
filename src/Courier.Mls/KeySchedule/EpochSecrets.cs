namespace Courier.Mls.KeySchedule;

/// <summary>
/// RFC 9420 §8: one step of the key schedule and the secrets of the epoch it starts.
/// <code>
/// joiner_secret  = ExpandWithLabel(KDF.Extract(init_secret_[n-1], commit_secret), "joiner", GroupContext_[n], KDF.Nh)
/// intermediate   = KDF.Extract(joiner_secret, psk_secret)
/// welcome_secret = DeriveSecret(intermediate, "welcome")
/// epoch_secret   = ExpandWithLabel(intermediate, "epoch", GroupContext_[n], KDF.Nh)
/// &lt;secret&gt;       = DeriveSecret(epoch_secret, &lt;label&gt;)   (Table 4, and "init" for init_secret_[n])
/// </code>
/// <c>epoch_secret</c> is wiped as soon as the epoch secrets are derived (§9.2). The inputs stay
/// owned by the caller, who should wipe them after the call: §9.2 counts <c>init_secret_[n-1]</c>,
/// <c>commit_secret</c>, <c>psk_secret</c> and <c>joiner_secret</c> as consumed.
/// <para>
/// Saved state (<see cref="WriteTo"/>, <see cref="ReadFrom"/>): the secrets a member keeps during
/// the epoch, and the three it wipes after use only while it still holds them:
/// <code>
/// struct {
///     opaque sender_data_secret&lt;V&gt;;          // each KDF.Nh bytes
///     opaque exporter_secret&lt;V&gt;;
///     opaque external_secret&lt;V&gt;;
///     opaque confirmation_key&lt;V&gt;;
///     opaque membership_key&lt;V&gt;;
///     opaque resumption_psk&lt;V&gt;;
///     opaque epoch_authenticator&lt;V&gt;;
///     opaque init_secret&lt;V&gt;;                 // init_secret_[n], for the next epoch
///     optional&lt;opaque encryption_secret&lt;V&gt;&gt;; // absent once the secret tree is created
///     optional&lt;opaque joiner_secret&lt;V&gt;&gt;;     // absent once forgotten
///     optional&lt;opaque welcome_secret&lt;V&gt;&gt;;    // absent once forgotten
/// } EpochSecretsState;
/// </code>
/// </para>
/// </summary>
internal sealed class EpochSecrets : IDisposable
{
    /// <summary>Labels of the key schedule (§8, Table 4).</summary>
    public const string JoinerLabel = "joiner";

    /// <inheritdoc cref="JoinerLabel"/>
    public const string WelcomeLabel = "welcome";

    /// <inheritdoc cref="JoinerLabel"/>
    public const string EpochLabel = "epoch";

    /// <inheritdoc cref="JoinerLabel"/>
    public const string SenderDataLabel = "sender data";

    /// <inheritdoc cref="JoinerLabel"/>
    public const string EncryptionLabel = "encryption";

    /// <inheritdoc cref="JoinerLabel"/>
    public const string ExporterLabel = "exporter";

    /// <inheritdoc cref="JoinerLabel"/>
    public const string ExternalLabel = "external";

    /// <inheritdoc cref="JoinerLabel"/>
    public const string ConfirmLabel = "confirm";

    /// <inheritdoc cref="JoinerLabel"/>
    public const string MembershipLabel = "membership";

    /// <inheritdoc cref="JoinerLabel"/>
    public const string ResumptionLabel = "resumption";

    /// <inheritdoc cref="JoinerLabel"/>
    public const string AuthenticationLabel = "authentication";

    /// <inheritdoc cref="JoinerLabel"/>
    public const string InitLabel = "init";

    /// <summary>§8.5: the <c>ExpandWithLabel</c> label of an exported secret.</summary>
    public const string ExportedLabel = "exported";

    /// <summary>§12.4.3.1: the <c>ExpandWithLabel</c> labels of <c>welcome_key</c> and <c>welcome_nonce</c>.</summary>
    public const string WelcomeKeyLabel = "key";

    /// <inheritdoc cref="WelcomeKeyLabel"/>
    public const string WelcomeNonceLabel = "nonce";

    /// <summary>The largest KDF.Expand output: 255 * KDF.Nh bytes (RFC 5869 §2.3).</summary>
    public int MaxExportLength => 255 * Suite.HashSize;

    private readonly Secret[] _all;
    private bool _disposed;

    private EpochSecrets(CipherSuite suite, Secret joinerSecret, Secret welcomeSecret, Secret epochSecret)
        : this(
            suite,
            joinerSecret,
            welcomeSecret,
            senderDataSecret: suite.DeriveSecret(epochSecret.Span, SenderDataLabel),
            encryptionSecret: suite.DeriveSecret(epochSecret.Span, EncryptionLabel),
            exporterSecret: suite.DeriveSecret(epochSecret.Span, ExporterLabel),
            externalSecret: suite.DeriveSecret(epochSecret.Span, ExternalLabel),
            confirmationKey: suite.DeriveSecret(epochSecret.Span, ConfirmLabel),
            membershipKey: suite.DeriveSecret(epochSecret.Span, MembershipLabel),
            resumptionPsk: suite.DeriveSecret(epochSecret.Span, ResumptionLabel),
            epochAuthenticator: suite.DeriveSecret(epochSecret.Span, AuthenticationLabel),
            initSecret: suite.DeriveSecret(epochSecret.Span, InitLabel))
    {
    }

    /// <summary>Takes ownership of every secret, held or already wiped.</summary>
    private EpochSecrets(
        CipherSuite suite,
        Secret joinerSecret,
        Secret welcomeSecret,
        Secret senderDataSecret,
        Secret encryptionSecret,
        Secret exporterSecret,
        Secret externalSecret,
        Secret confirmationKey,
        Secret membershipKey,
        Secret resumptionPsk,
        Secret epochAuthenticator,
        Secret initSecret)
    {
        Suite = suite;
        JoinerSecret = joinerSecret;
        WelcomeSecret = welcomeSecret;
        SenderDataSecret = senderDataSecret;
        EncryptionSecret = encryptionSecret;
        ExporterSecret = exporterSecret;
        ExternalSecret = externalSecret;
        ConfirmationKey = confirmationKey;
        MembershipKey = membershipKey;
        ResumptionPsk = resumptionPsk;
        EpochAuthenticator = epochAuthenticator;
        InitSecret = initSecret;
        _all =
        [
            JoinerSecret, WelcomeSecret, SenderDataSecret, EncryptionSecret, ExporterSecret, ExternalSecret,
            ConfirmationKey, MembershipKey, ResumptionPsk, EpochAuthenticator, InitSecret,
        ];
    }

    /// <summary>The ciphersuite of the group.</summary>
    public CipherSuite Suite { get; }

    /// <summary>
    /// <c>joiner_secret</c>: goes into the GroupSecrets of a Welcome. Wiped by
    /// <see cref="ForgetJoinerSecrets"/> once the Welcome (if any) is built.
    /// </summary>
    public Secret JoinerSecret { get; }

    /// <summary>
    /// <c>welcome_secret</c>: keys the GroupInfo of a Welcome (§12.4.3.1). Wiped by
    /// <see cref="ForgetJoinerSecrets"/>.
    /// </summary>
    public Secret WelcomeSecret { get; }

    /// <summary><c>sender_data_secret</c>: keys the sender data of PrivateMessages (§6.3.2).</summary>
    public Secret SenderDataSecret { get; }

    /// <summary>
    /// <c>encryption_secret</c>: the root of the secret tree (§9). Wiped by
    /// <see cref="CreateSecretTree"/>, since whoever holds it can derive every message key.
    /// </summary>
    public Secret EncryptionSecret { get; }

    /// <summary><c>exporter_secret</c>: the base of <see cref="Export"/> (§8.5).</summary>
    public Secret ExporterSecret { get; }

    /// <summary><c>external_secret</c>: <c>KEM.DeriveKeyPair(external_secret)</c> is the group's external key pair.</summary>
    public Secret ExternalSecret { get; }

    /// <summary><c>confirmation_key</c>: keys the confirmation_tag MAC (§6.1).</summary>
    public Secret ConfirmationKey { get; }

    /// <summary><c>membership_key</c>: keys the membership_tag of PublicMessages (§6.2).</summary>
    public Secret MembershipKey { get; }

    /// <summary><c>resumption_psk</c>: this epoch's resumption PSK (§8.6).</summary>
    public Secret ResumptionPsk { get; }

    /// <summary><c>epoch_authenticator</c>: shows two members share a view of the group (§8.7).</summary>
    public Secret EpochAuthenticator { get; }

    /// <summary><c>init_secret_[n]</c>: the input of the next epoch's key schedule.</summary>
    public Secret InitSecret { get; }

    /// <summary>
    /// The key schedule of a Commit (sent or received): from <c>init_secret_[n-1]</c>,
    /// <c>commit_secret</c>, <c>psk_secret</c> (null when no PSK is injected: all-zero KDF.Nh bytes)
    /// and the new epoch's GroupContext.
    /// </summary>
    public static EpochSecrets FromInitSecret(CipherSuite suite, Secret initSecret, Secret commitSecret, Secret? pskSecret, GroupContext groupContext)
    {
        using var joinerSecret = DeriveJoinerSecret(suite, initSecret, commitSecret, groupContext);
        return FromJoinerSecret(suite, joinerSecret, pskSecret, groupContext);
    }

    /// <summary>
    /// The key schedule of a new member (§12.4.3.1): from the <c>joiner_secret</c> of a Welcome's
    /// GroupSecrets, <c>psk_secret</c> (null when GroupSecrets.psks is empty) and the GroupContext
    /// of the decrypted GroupInfo. The result holds its own copy of <paramref name="joinerSecret"/>.
    /// </summary>
    public static EpochSecrets FromJoinerSecret(CipherSuite suite, Secret joinerSecret, Secret? pskSecret, GroupContext groupContext)
    {
        ArgumentNullException.ThrowIfNull(groupContext);
        CheckSecret(suite, joinerSecret, nameof(joinerSecret));
        if (groupContext.CipherSuite != (ushort)suite.Id)
        {
            throw new ArgumentException("The GroupContext is of another ciphersuite.", nameof(groupContext));
        }

        var context = groupContext.ToBytes();
        using var intermediate = ExtractPsk(suite, joinerSecret, pskSecret);
        using var epochSecret = suite.ExpandWithLabel(intermediate.Span, EpochLabel, context, suite.HashSize);
        var welcomeSecret = suite.DeriveSecret(intermediate.Span, WelcomeLabel);
        return new EpochSecrets(suite, joinerSecret.Clone(), welcomeSecret, epochSecret);
    }

    /// <summary><c>joiner_secret = ExpandWithLabel(KDF.Extract(init_secret, commit_secret), "joiner", GroupContext, KDF.Nh)</c>.</summary>
    public static Secret DeriveJoinerSecret(CipherSuite suite, Secret initSecret, Secret commitSecret, GroupContext groupContext)
    {
        ArgumentNullException.ThrowIfNull(groupContext);
        CheckSecret(suite, initSecret, nameof(initSecret));
        CheckSecret(suite, commitSecret, nameof(commitSecret));
        using var extracted = suite.Extract(initSecret.Span, commitSecret.Span);
        return suite.ExpandWithLabel(extracted.Span, JoinerLabel, groupContext.ToBytes(), suite.HashSize);
    }

    /// <summary>
    /// <c>welcome_secret = DeriveSecret(KDF.Extract(joiner_secret, psk_secret), "welcome")</c>: what a
    /// new member needs before it can read the GroupInfo (and so the GroupContext) of a Welcome.
    /// </summary>
    public static Secret DeriveWelcomeSecret(CipherSuite suite, Secret joinerSecret, Secret? pskSecret)
    {
        CheckSecret(suite, joinerSecret, nameof(joinerSecret));
        using var intermediate = ExtractPsk(suite, joinerSecret, pskSecret);
        return suite.DeriveSecret(intermediate.Span, WelcomeLabel);
    }

    /// <summary>§12.4.3.1: <c>welcome_key = ExpandWithLabel(welcome_secret, "key", "", AEAD.Nk)</c>.</summary>
    public static Secret DeriveWelcomeKey(CipherSuite suite, Secret welcomeSecret)
    {
        CheckSecret(suite, welcomeSecret, nameof(welcomeSecret));
        return suite.ExpandWithLabel(welcomeSecret.Span, WelcomeKeyLabel, default, suite.Aead.KeySize);
    }

    /// <summary>§12.4.3.1: <c>welcome_nonce = ExpandWithLabel(welcome_secret, "nonce", "", AEAD.Nn)</c>.</summary>
    public static Secret DeriveWelcomeNonce(CipherSuite suite, Secret welcomeSecret)
    {
        CheckSecret(suite, welcomeSecret, nameof(welcomeSecret));
        return suite.ExpandWithLabel(welcomeSecret.Span, WelcomeNonceLabel, default, suite.Aead.NonceSize);
    }

    /// <summary>
    /// §8.5 <c>MLS-Exporter(Label, Context, Length) =
    /// ExpandWithLabel(DeriveSecret(exporter_secret, Label), "exported", Hash(Context), Length)</c>.
    /// </summary>
    public Secret Export(string label, ReadOnlySpan<byte> context, int length)
    {
        ArgumentNullException.ThrowIfNull(label);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, MaxExportLength);
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var derived = Suite.DeriveSecret(ExporterSecret.Span, label);
        return Suite.ExpandWithLabel(derived.Span, ExportedLabel, Suite.Hash(context), length);
    }

    /// <summary>
    /// Builds the epoch's secret tree for <paramref name="leafCount"/> leaves and wipes
    /// <see cref="EncryptionSecret"/> (§9.2: it is consumed by the tree). Callable once.
    /// </summary>
    public EncryptionSecretTree CreateSecretTree(uint leafCount)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (EncryptionSecret.IsDisposed)
        {
            throw new InvalidOperationException("The secret tree of this epoch was already created.");
        }

        var tree = new EncryptionSecretTree(Suite, EncryptionSecret, leafCount);
        EncryptionSecret.Dispose();
        return tree;
    }

    /// <summary>Wipes <see cref="JoinerSecret"/> and <see cref="WelcomeSecret"/>, once no Welcome needs them.</summary>
    public void ForgetJoinerSecrets()
    {
        JoinerSecret.Dispose();
        WelcomeSecret.Dispose();
    }

    /// <summary>The number of bytes <see cref="WriteTo"/> writes: size the writer with it.</summary>
    public int EncodedLength
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var length = 0;
            foreach (var secret in AlwaysHeld())
            {
                length += SecretEncoding.OpaqueSize(secret.Length);
            }

            foreach (var secret in HeldUntilUsed())
            {
                length += 1 + (secret.IsDisposed ? 0 : SecretEncoding.OpaqueSize(secret.Length));
            }

            return length;
        }
    }

    /// <summary>
    /// Appends the <c>EpochSecretsState</c> of this epoch (see the type's summary): the secrets
    /// still held, in the clear, and only the presence of those already wiped. The caller owns
    /// those bytes: it creates the writer as <c>new TlsWriter(EncodedLength)</c> (plus whatever else
    /// it writes), so that the writer's buffer never grows and leaves an unwiped copy to the
    /// collector; encrypts the output (the node's vault); then wipes the writer's buffer and every
    /// copy it made. Throws <see cref="InvalidOperationException"/> when a secret the epoch keeps
    /// to its end was wiped from outside (the epoch can then no longer be saved whole).
    /// </summary>
    public void WriteTo(TlsWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (AlwaysHeld().Any(secret => secret.IsDisposed))
        {
            throw new InvalidOperationException("A secret the epoch keeps to its end was wiped: the epoch cannot be saved.");
        }

        foreach (var secret in AlwaysHeld())
        {
            writer.WriteOpaque(secret.Span);
        }

        foreach (var secret in HeldUntilUsed())
        {
            writer.WriteUInt8(secret.IsDisposed ? (byte)0 : (byte)1);
            if (!secret.IsDisposed)
            {
                writer.WriteOpaque(secret.Span);
            }
        }
    }

    /// <summary>
    /// Reads an <c>EpochSecretsState</c> written by <see cref="WriteTo"/> for a group of
    /// <paramref name="suite"/>. The restored epoch behaves as the saved one did (<see cref="Export"/>,
    /// <see cref="CreateSecretTree"/> while <see cref="EncryptionSecret"/> is held, ...); a secret
    /// saved as absent is restored already wiped. The secrets go straight from the input into
    /// <see cref="Secret"/>s (the caller wipes its input). Throws <see cref="DecodeException"/> for a
    /// secret that is not KDF.Nh bytes or a presence marker other than 0 or 1; nothing read is left
    /// unwiped then.
    /// </summary>
    public static EpochSecrets ReadFrom(CipherSuite suite, ref TlsReader reader)
    {
        ArgumentNullException.ThrowIfNull(suite);
        const string Structure = "EpochSecretsState";
        const int AlwaysHeldCount = 8;
        var read = new List<Secret>(AlwaysHeldCount + 3);
        try
        {
            for (var i = 0; i < AlwaysHeldCount; i++)
            {
                read.Add(SecretEncoding.ReadSecret(ref reader, suite.HashSize, Structure));
            }

            for (var i = 0; i < 3; i++)
            {
                read.Add(reader.ReadPresence()
                    ? SecretEncoding.ReadSecret(ref reader, suite.HashSize, Structure)
                    : SecretEncoding.Wiped(suite.HashSize));
            }
        }
        catch
        {
            read.ForEach(secret => secret.Dispose());
            throw;
        }

        // The order of AlwaysHeld and HeldUntilUsed.
        return new EpochSecrets(
            suite,
            joinerSecret: read[9],
            welcomeSecret: read[10],
            senderDataSecret: read[0],
            encryptionSecret: read[8],
            exporterSecret: read[1],
            externalSecret: read[2],
            confirmationKey: read[3],
            membershipKey: read[4],
            resumptionPsk: read[5],
            epochAuthenticator: read[6],
            initSecret: read[7]);
    }

    /// <summary>Wipes every secret of the epoch.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var secret in _all)
        {
            secret.Dispose();
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"EpochSecrets({Suite})";

    /// <summary>The secrets kept to the end of the epoch, in the order of <c>EpochSecretsState</c>.</summary>
    private Secret[] AlwaysHeld() =>
        [SenderDataSecret, ExporterSecret, ExternalSecret, ConfirmationKey, MembershipKey, ResumptionPsk, EpochAuthenticator, InitSecret];

    /// <summary>The secrets wiped after use, in the order of <c>EpochSecretsState</c>.</summary>
    private Secret[] HeldUntilUsed() => [EncryptionSecret, JoinerSecret, WelcomeSecret];

    /// <summary><c>KDF.Extract(joiner_secret, psk_secret)</c>, the secret both welcome_secret and epoch_secret come from.</summary>
    private static Secret ExtractPsk(CipherSuite suite, Secret joinerSecret, Secret? pskSecret)
    {
        if (pskSecret is null)
        {
            ReadOnlySpan<byte> zero = stackalloc byte[suite.HashSize];
            return suite.Extract(joinerSecret.Span, zero);
        }

        CheckSecret(suite, pskSecret, nameof(pskSecret));
        return suite.Extract(joinerSecret.Span, pskSecret.Span);
    }

    private static void CheckSecret(CipherSuite suite, Secret secret, string name)
    {
        ArgumentNullException.ThrowIfNull(suite);
        ArgumentNullException.ThrowIfNull(secret, name);
        if (secret.Length != suite.HashSize)
        {
            throw new ArgumentException($"The secret must be KDF.Nh = {suite.HashSize} bytes.", name);
        }
    }
}
