using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Courier.Relay;

/// <summary>
/// Where a relay's TLS certificate comes from (docs/tls.md): PEM files the operator gives, or a
/// self-signed ECDSA P-256 certificate made on first start and kept in the relay's data directory,
/// so that its pin stays the same across restarts.
/// </summary>
public static class RelayCertificate
{
    /// <summary>The self-signed certificate's private key in the data directory (PKCS#8 PEM, mode 0600).</summary>
    public const string KeyFileName = "relay-tls-key.pem";

    /// <summary>The self-signed certificate in the data directory (PEM).</summary>
    public const string CertificateFileName = "relay-tls-cert.pem";

    /// <summary>A certificate and its private key from PEM files.</summary>
    /// <exception cref="ArgumentException">A file is missing, or is not a PEM certificate or key, or they do not belong together.</exception>
    public static X509Certificate2 Load(string certificateFile, string keyFile)
    {
        try
        {
            return X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"The TLS certificate '{certificateFile}' with key '{keyFile}' cannot be used: {e.Message}", e);
        }
    }

    /// <summary>
    /// The self-signed certificate kept in <paramref name="directory"/>, made (key first, written
    /// owner-only) when there is none. The key is the identity: a missing certificate is made again
    /// from it with the same pin.
    /// </summary>
    public static X509Certificate2 LoadOrCreateSelfSigned(string directory)
    {
        Directory.CreateDirectory(directory);
        var keyFile = Path.Combine(directory, KeyFileName);
        var certificateFile = Path.Combine(directory, CertificateFileName);
        if (!File.Exists(keyFile))
        {
            using var fresh = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            WriteAtomically(keyFile, fresh.ExportPkcs8PrivateKeyPem(), UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.Delete(certificateFile);
        }

        if (File.Exists(certificateFile))
        {
            return Load(certificateFile, keyFile);
        }

        using var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(keyFile));
        var request = new CertificateRequest("CN=courier-relay", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(20));
        WriteAtomically(certificateFile, certificate.ExportCertificatePem(), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        return Load(certificateFile, keyFile);
    }

    private static void WriteAtomically(string path, string pem, UnixFileMode mode)
    {
        var temporary = path + ".tmp";
        File.Delete(temporary);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }

        using (var stream = new FileStream(temporary, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(pem);
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
