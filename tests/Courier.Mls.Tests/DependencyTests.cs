namespace Courier.Mls.Tests;

public class DependencyTests
{
    /// <summary>
    /// Cryptographic primitives come only from libsodium (NSec, and Courier.Sodium, the one binding for
    /// what NSec does not expose) and the BCL: Courier.Mls references no other assembly, so no other
    /// cryptography can sneak in.
    /// </summary>
    [Fact]
    public void Courier_Mls_references_only_the_BCL_NSec_and_the_libsodium_binding()
    {
        var references = typeof(Courier.Mls.Crypto.Secret).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        var others = references.Where(name => !(name is "NSec.Cryptography" or "Courier.Sodium" or "netstandard" || name.StartsWith("System", StringComparison.Ordinal) || name.StartsWith("Microsoft.Win32", StringComparison.Ordinal))).ToList();
        Assert.Empty(others);
        Assert.Contains("Courier.Sodium", references);
    }

    /// <summary>
    /// Courier.Mls declares no native call of its own; the one binding
    /// (Courier.Sodium) calls libsodium and nothing else.
    /// </summary>
    [Fact]
    public void Every_native_call_goes_to_libsodium_through_the_one_binding()
    {
        Assert.Empty(NativeImports(typeof(Courier.Mls.Crypto.Secret).Assembly));

        var binding = NativeImports(typeof(Courier.Sodium.LibSodium).Assembly);
        Assert.NotEmpty(binding);
        Assert.All(binding, m => Assert.Equal("libsodium", m.GetCustomAttributes(typeof(System.Runtime.InteropServices.DllImportAttribute), false).Cast<System.Runtime.InteropServices.DllImportAttribute>().Single().Value));
        Assert.All(binding, m => Assert.Equal("Courier.Sodium.LibSodium", m.DeclaringType!.FullName));
    }

    private static List<System.Reflection.MethodInfo> NativeImports(System.Reflection.Assembly assembly)
    {
        const System.Reflection.BindingFlags all = System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.DeclaredOnly;
        return assembly.GetTypes()
            .SelectMany(t => t.GetMethods(all))
            .Where(m => m.Attributes.HasFlag(System.Reflection.MethodAttributes.PinvokeImpl))
            .ToList();
    }
}
