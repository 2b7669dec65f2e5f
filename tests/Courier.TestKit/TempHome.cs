using Courier.Node;

namespace Courier.TestKit;

/// <summary>A fresh home directory under the system temp folder, deleted at the end of the test.</summary>
public sealed class TempHome : IDisposable
{
    /// <summary>Argon2id at its cheapest, so tests do not spend seconds stretching passphrases.</summary>
    public static readonly VaultKdfParameters FastKdf = new(VaultKdfParameters.MinMemoryKiB, 1);

    public TempHome() => Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "courier-test-" + Guid.NewGuid().ToString("N"), "home");

    public string Path { get; }

    /// <summary>Every file in the home, name → content.</summary>
    public Dictionary<string, byte[]> Snapshot()
        => Directory.Exists(Path)
            ? Directory.GetFiles(Path).ToDictionary(f => System.IO.Path.GetFileName(f), f => File.ReadAllBytes(f))
            : [];

    public void Dispose()
    {
        var parent = System.IO.Path.GetDirectoryName(Path)!;
        if (Directory.Exists(parent))
        {
            Directory.Delete(parent, recursive: true);
        }
    }
}
