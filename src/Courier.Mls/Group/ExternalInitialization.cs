using System.Text;
using Courier.Mls.Hpke;

namespace Courier.Mls.Group;

/// <summary>
/// RFC 9420 §8, §8.3, §12.4.3.2: external joins. The group publishes
/// <c>external_pub</c> (from <c>external_priv, external_pub = KEM.DeriveKeyPair(external_secret)</c>)
/// in a GroupInfo extension; a joiner sends a new init_secret to it by HPKE export:
/// <code>
/// kem_output, context = SetupBaseS(external_pub, "")
/// init_secret = context.export("MLS 1.0 external init secret", KDF.Nh)
/// </code>
/// and members recover it from the <c>kem_output</c> of the ExternalInit proposal with
/// <c>SetupBaseR(kem_output, external_priv, "")</c>.
/// </summary>
internal static class ExternalInitialization
{
    /// <summary>The HPKE exporter_context of the external init secret (the full string, "MLS 1.0 " included).</summary>
    public const string ExporterLabel = "MLS 1.0 external init secret";

    /// <summary>The <c>external_pub</c> GroupInfo extension for the epoch whose <c>external_secret</c> is given.</summary>
    public static Extension ExternalPubExtension(CipherSuite suite, Secret externalSecret)
    {
        ArgumentNullException.ThrowIfNull(suite);
        ArgumentNullException.ThrowIfNull(externalSecret);
        using var externalKey = suite.DeriveKeyPair(externalSecret.Span);
        return new Extension(Extension.ExternalPub, TlsWriter.Encode(new ExternalPub(externalKey.PublicKey)));
    }

    /// <summary>The <c>external_pub</c> of <paramref name="groupInfo"/>, or null when it has no such extension.</summary>
    /// <exception cref="DecodeException">The extension's data is not an ExternalPub.</exception>
    public static byte[]? FindExternalPub(GroupInfo groupInfo)
    {
        ArgumentNullException.ThrowIfNull(groupInfo);
        var extension = groupInfo.Extensions.FirstOrDefault(e => e.ExtensionType == Extension.ExternalPub);
        return extension is null ? null : TlsReader.Decode(extension.ExtensionData, nameof(ExternalPub), ExternalPub.Decode).PublicKey;
    }

    /// <summary>
    /// The joiner's side: a fresh <c>kem_output</c> (for the ExternalInit proposal) and the
    /// <c>init_secret</c> it carries to the group. The caller disposes the secret.
    /// </summary>
    /// <exception cref="MessageRejectedException"><paramref name="externalPub"/> is not a valid public key of the suite's KEM (<see cref="MlsCheck.ExternalPub"/>).</exception>
    public static (byte[] KemOutput, Secret InitSecret) Send(CipherSuite suite, ReadOnlySpan<byte> externalPub, IRandom random)
    {
        ArgumentNullException.ThrowIfNull(suite);
        ArgumentNullException.ThrowIfNull(random);
        if (!suite.Hpke.Kem.IsValidPublicKey(externalPub))
        {
            throw new MessageRejectedException(MlsCheck.ExternalPub, "external_pub is not a public key of the ciphersuite's KEM");
        }

        byte[] kemOutput;
        HpkeSenderContext context;
        try
        {
            (kemOutput, context) = suite.Hpke.SetupBaseS(externalPub, default, random);
        }
        catch (HpkeException e) when (e.Error == HpkeError.ValidationError)
        {
            throw new MessageRejectedException(MlsCheck.ExternalPub, "external_pub is a low-order point");
        }

        using (context)
        {
            return (kemOutput, context.Export(Encoding.UTF8.GetBytes(ExporterLabel), suite.HashSize));
        }
    }

    /// <summary>
    /// A member's side: the <c>init_secret</c> a joiner sent in <paramref name="kemOutput"/>, with the
    /// group's <c>external_secret</c> of the epoch the external Commit starts from. The caller
    /// disposes the secret.
    /// </summary>
    /// <exception cref="MessageRejectedException"><paramref name="kemOutput"/> is not a valid encapsulation (<see cref="MlsCheck.ExternalInitKemOutput"/>).</exception>
    public static Secret Receive(CipherSuite suite, Secret externalSecret, ReadOnlySpan<byte> kemOutput)
    {
        ArgumentNullException.ThrowIfNull(suite);
        ArgumentNullException.ThrowIfNull(externalSecret);
        using var externalKey = suite.DeriveKeyPair(externalSecret.Span);
        using var context = suite.Hpke.SetupBaseR(kemOutput, externalKey, default)
            ?? throw new MessageRejectedException(MlsCheck.ExternalInitKemOutput, "the kem_output is not a valid encapsulation");
        return context.Export(Encoding.UTF8.GetBytes(ExporterLabel), suite.HashSize);
    }
}
