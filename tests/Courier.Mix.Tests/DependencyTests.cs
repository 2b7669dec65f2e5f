namespace Courier.Mix.Tests;

public class DependencyTests
{
    /// <summary>
    /// Courier.Mix's cryptography comes from the BCL and from libsodium through the one binding: it references
    /// no other assembly but SQLite (replay tags), and declares no native call of its own.
    /// </summary>
    [Fact]
    public void Courier_Mix_references_only_the_BCL_the_libsodium_binding_and_sqlite()
    {
        var assembly = typeof(Sphinx).Assembly;
        var references = assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        var others = references.Where(name => !(name is "Courier.Sodium" or "Microsoft.Data.Sqlite" or "netstandard" || name.StartsWith("System", StringComparison.Ordinal))).ToList();
        Assert.Empty(others);
        Assert.Contains("Courier.Sodium", references);

        const System.Reflection.BindingFlags all = System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.DeclaredOnly;
        Assert.DoesNotContain(assembly.GetTypes().SelectMany(t => t.GetMethods(all)), m => m.Attributes.HasFlag(System.Reflection.MethodAttributes.PinvokeImpl));
    }
}
