using System.Buffers.Text;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Courier.Relay.Client;

/// <summary>
/// A relay's certificate pin (docs/tls.md): the SHA-256 of the certificate's DER SubjectPublicKeyInfo
/// (the public key, as in RFC 7469 §2.4), written in unpadded base64url (43 characters). Nodes carry
/// it in the relay's address as <c>https://host:port/#sha256=&lt;pin&gt;</c>; a pin of the key stays
/// valid when the certificate is renewed with the same key.
/// </summary>
public sealed class RelayPin
{
    /// <summary>What precedes the pin in an address's fragment.</summary>
    public const string FragmentPrefix = "sha256=";

    private readonly byte[] _hash;

    private RelayPin(byte[] hash) => _hash = hash;

    /// <summary>The pin of <paramref name="certificate"/>'s public key.</summary>
    public static RelayPin Of(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return new RelayPin(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo()));
    }

    /// <summary>Parses the unpadded base64url form (only its canonical spelling).</summary>
    public static bool TryParse(string? text, out RelayPin? pin)
    {
        var hash = new byte[SHA256.HashSizeInBytes];
        pin = text is not null && WireBase64.TryDecode(text, hash) ? new RelayPin(hash) : null;
        return pin is not null;
    }

    /// <summary>True when <paramref name="certificate"/>'s public key has this pin; compared in constant time.</summary>
    public bool Matches(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo(), hash);
        return CryptographicOperations.FixedTimeEquals(hash, _hash);
    }

    /// <summary>The pin an address carries as <c>#sha256=&lt;pin&gt;</c>, or null when it carries none (or a malformed one).</summary>
    public static RelayPin? FromAddress(Uri address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var fragment = address.Fragment;
        return fragment.StartsWith("#" + FragmentPrefix, StringComparison.Ordinal) && TryParse(fragment[(1 + FragmentPrefix.Length)..], out var pin) ? pin : null;
    }

    /// <summary>True when the certificate a TLS handshake presented (null: none) has this pin; for certificate validation callbacks.</summary>
    public bool MatchesPresented(X509Certificate? certificate)
    {
        using var presented = certificate is null ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return presented is not null && Matches(presented);
    }

    /// <summary>The unpadded base64url form.</summary>
    public override string ToString() => Base64Url.EncodeToString(_hash);
}
