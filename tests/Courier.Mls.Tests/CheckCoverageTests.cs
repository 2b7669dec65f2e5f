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
}
