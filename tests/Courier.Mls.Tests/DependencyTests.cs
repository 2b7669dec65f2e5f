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
}
