using System.Security.Cryptography;
using NSec.Cryptography;

namespace Courier.Relay.Mix;

/// <summary>
/// The relay's long-term Ed25519 identity key, which signs its mix descriptor: its seed in
/// <c>mix-identity.key</c> in the data directory (owner-only permissions), created at first start.
/// </summary>
internal static class RelayIdentity
{
    public const string FileName = "mix-identity.key";

    public static Key LoadOrCreate(string directory)
    {
        var path = Path.Combine(directory, FileName);
        var parameters = new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport };
        if (File.Exists(path))
        {
            var seed = File.ReadAllBytes(path);
            try
            {
                return seed.Length == 32
                    ? Key.Import(SignatureAlgorithm.Ed25519, seed, KeyBlobFormat.RawPrivateKey, parameters)
                    : throw new InvalidDataException($"{FileName} in the relay's data directory is not a 32-byte Ed25519 seed.");
            }
            finally
            {
                CryptographicOperations.ZeroMemory(seed);
            }
        }

        var key = Key.Create(SignatureAlgorithm.Ed25519, parameters);
        var created = key.Export(KeyBlobFormat.RawPrivateKey);
        try
        {
            KeyFiles.WriteSecret(path, created);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(created);
        }

        return key;
    }
}

/// <summary>Secret files readable by the owner only, written whole (a temporary file renamed into place).</summary>
internal static class KeyFiles
{
    public static void WriteSecret(string path, ReadOnlySpan<byte> secret)
    {
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Options = FileOptions.WriteThrough };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        {
            stream.Write(secret);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
