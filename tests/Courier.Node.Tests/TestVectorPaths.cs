using System.Text.Json;

namespace Courier.Node.Tests;

/// <summary>Where the vendored test vectors (TestVectors/README.md) are copied beside the test assembly.</summary>
internal static class TestVectorPaths
{
    public static string CPace(string fileName) => Path.Combine(AppContext.BaseDirectory, "TestVectors", "cpace", fileName);

    public static JsonElement LoadCPace(string fileName) => JsonDocument.Parse(File.ReadAllBytes(CPace(fileName))).RootElement;

    public static byte[] Hex(this JsonElement element) => Convert.FromHexString(element.GetString()!);
}
