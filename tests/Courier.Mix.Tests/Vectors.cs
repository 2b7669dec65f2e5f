using System.Text.Json;

namespace Courier.Mix.Tests;

/// <summary>Where the vendored vectors (TestVectors/README.md) are copied beside the test assembly, and reading them.</summary>
internal static class Vectors
{
    public static string Path(params string[] parts) => System.IO.Path.Combine([AppContext.BaseDirectory, "TestVectors", .. parts]);

    public static JsonDocument Load(params string[] parts) => JsonDocument.Parse(File.ReadAllBytes(Path(parts)));

    public static byte[] Hex(this JsonElement element, string name) => Convert.FromHexString(element.GetProperty(name).GetString()!);

    public static byte[] Hex(this JsonElement element) => Convert.FromHexString(element.GetString()!);
}
