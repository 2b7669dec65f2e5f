using System.Reflection;

namespace Courier.Mls.Tests;

public class CheckCoverageTests
{
    /// <summary>
    /// Every receiver check of RFC 9420 that Courier enforces has a test that feeds a message
    /// violating it; the test's name starts with <c>Rejects_</c> and carries the check's id as one
    /// of its words (<c>Rejects_DuplicateAdd_and_AddOfExistingMember</c> covers both).
    /// </summary>
    [Fact]
    public void Every_MlsCheck_has_a_rejection_test_that_names_it()
    {
        var testNames = typeof(CheckCoverageTests).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Where(m => m.GetCustomAttributes().Any(a => a is FactAttribute))
            .Where(m => m.Name.StartsWith("Rejects_", StringComparison.Ordinal))
            .SelectMany(m => m.Name.Split('_'))
            .ToHashSet();
        var untested = Enum.GetNames<MlsCheck>().Where(id => !testNames.Contains(id)).ToList();
        Assert.True(untested.Count == 0, "MlsCheck ids without a Rejects_<Id> test: " + string.Join(", ", untested));
    }

    [Fact]
    public void Every_MlsCheck_is_listed_in_docs_mls_md()
    {
        var doc = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "mls.md"));
        var missing = Enum.GetNames<MlsCheck>().Where(id => !doc.Contains($"| `{id}` |", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, "MlsCheck ids missing from docs/mls.md: " + string.Join(", ", missing));
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Courier.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Courier.sln not found above the test assembly.");
    }
}
