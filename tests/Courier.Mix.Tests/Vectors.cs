using System.Text.Json;

namespace Courier.Mix.Tests;

/// <summary>Where the vectors are (TestVectors/README.md), and reading them.</summary>
internal static class Vectors
{
    /// <summary>A file of the project's own vectors, copied beside the test assembly.</summary>
    public static string Path(params string[] parts) => System.IO.Path.Combine([AppContext.BaseDirectory, "TestVectors", .. parts]);

    /// <summary>
    /// One of Katzenpost's Sphinx vector files. They are AGPL-3.0 and not copied into this repository
    /// (../shared/specs/README.md): they are read from ../shared/vectors/sphinx beside the clone, where
    /// the test command finds them.
    /// </summary>
    public static string Katzenpost(string file)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "Courier.sln")))
        {
            dir = dir.Parent;
        }

        var path = System.IO.Path.GetFullPath(System.IO.Path.Combine(dir?.FullName ?? ".", "..", "shared", "vectors", "sphinx", file));
        return File.Exists(path) ? path : throw new FileNotFoundException("Katzenpost's Sphinx vectors are read from ../shared/vectors/sphinx beside the clone (AGPL-3.0, not copied here).", path);
    }

    public static JsonDocument Load(string path) => JsonDocument.Parse(File.ReadAllBytes(path));

    public static byte[] Hex(this JsonElement element, string name) => Convert.FromHexString(element.GetProperty(name).GetString()!);

    public static byte[] Hex(this JsonElement element) => Convert.FromHexString(element.GetString()!);
}
