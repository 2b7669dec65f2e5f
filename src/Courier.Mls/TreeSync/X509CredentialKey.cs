using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Courier.Mls.Messages;

namespace Courier.Mls.TreeSync;

/// <summary>
/// RFC 9420 §5.3: in an x509 credential, "the public key encoded in the subjectPublicKeyInfo of the
/// end-entity certificate MUST be identical to the signature_key in the LeafNode containing this
/// credential". That binding is all MLS itself asks of an x509 credential; validating the chain and
/// the identifiers it presents is the Authentication Service's, the application's (§5.3.1), as for
/// basic credentials. Courier lists x509 among the credential types it supports so that it can
/// join groups that require it (Wire's core-crypto requires basic and x509 of every member).
/// </summary>
internal static class X509CredentialKey
{
    /// <summary>RFC 8410 §4: SubjectPublicKeyInfo of an Ed25519 key, before the 32 key bytes.</summary>
    private static ReadOnlySpan<byte> Ed25519SpkiPrefix => [0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00];

    /// <summary>Rejects an x509 credential whose end-entity certificate is unreadable or does not carry <paramref name="signatureKey"/> (an Ed25519 key).</summary>
    public static void Check(Credential credential, byte[] signatureKey)
    {
        if (credential.Certificates is not [var endEntity, ..])
        {
            throw new MessageRejectedException(MlsCheck.X509CredentialKey, "the x509 credential has no certificate");
        }

        byte[] spki;
        try
        {
            using var certificate = X509CertificateLoader.LoadCertificate(endEntity.CertData);
            spki = certificate.PublicKey.ExportSubjectPublicKeyInfo();
        }
        catch (CryptographicException)
        {
            throw new MessageRejectedException(MlsCheck.X509CredentialKey, "the end-entity certificate of the x509 credential cannot be read");
        }

        if (!spki.AsSpan().SequenceEqual([.. Ed25519SpkiPrefix, .. signatureKey]))
        {
            throw new MessageRejectedException(MlsCheck.X509CredentialKey, "the end-entity certificate does not carry the leaf's signature key");
        }
    }
}
