namespace Courier.Mls.Tests;

public class DependencyTests
{
    /// <summary>
    /// Cryptographic primitives come only from libsodium (NSec) and the BCL: Courier.Mls references
    /// no other assembly, so no other cryptography can sneak in.
    /// </summary>
    [Fact]
    public void Courier_Mls_references_only_the_BCL_and_NSec()
    {
        var references = typeof(Courier.Mls.Crypto.Secret).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        var others = references.Where(name => !(name is "NSec.Cryptography" or "netstandard" || name.StartsWith("System", StringComparison.Ordinal) || name.StartsWith("Microsoft.Win32", StringComparison.Ordinal))).ToList();
        Assert.Empty(others);
        Assert.Contains("NSec.Cryptography", references);
    }

    /// <summary>The only native code Courier.Mls calls is libsodium, and only from its one binding.</summary>
    [Fact]
    public void Every_native_call_goes_to_libsodium_through_the_one_binding()
    {
        const System.Reflection.BindingFlags all = System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.DeclaredOnly;
        var imports = typeof(Courier.Mls.Crypto.Secret).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(all))
            .Where(m => m.Attributes.HasFlag(System.Reflection.MethodAttributes.PinvokeImpl))
            .ToList();

        Assert.NotEmpty(imports);
        Assert.All(imports, m => Assert.Equal("libsodium", m.GetCustomAttributes(typeof(System.Runtime.InteropServices.DllImportAttribute), false).Cast<System.Runtime.InteropServices.DllImportAttribute>().Single().Value));
        Assert.All(imports, m => Assert.Equal("Courier.Mls.Crypto.Interop.Sodium", m.DeclaringType!.FullName));
    }
}
