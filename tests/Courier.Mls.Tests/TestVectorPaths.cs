namespace Courier.Mls.Tests;

/// <summary>Where the vendored test vectors (TestVectors/README.md) are copied beside the test assembly.</summary>
internal static class TestVectorPaths
{
    public static string Mls(string fileName) => Path.Combine(AppContext.BaseDirectory, "TestVectors", "mls", fileName);

    public static string Hpke(string fileName) => Path.Combine(AppContext.BaseDirectory, "TestVectors", "hpke", fileName);
}
