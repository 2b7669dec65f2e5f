using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Courier.Mls.Tests;

/// <summary>
/// Every receiver check of RFC 9420 that Courier enforces (<see cref="MlsCheck"/>) has a test that
/// feeds a message violating it: the test's name starts with <c>Rejects_</c> and carries the check's
/// id as one of its words (<c>Rejects_DuplicateAdd_and_AddOfExistingMember</c> covers both).
/// docs/mls-checks.md is generated from the ids, their doc comments and those tests; this test
/// regenerates it and fails when the committed copy differs.
/// </summary>
public partial class CheckCoverageTests
{
    private const string TablePath = "docs/mls-checks.md";

    /// <summary>Set to 1 to rewrite docs/mls-checks.md instead of comparing it.</summary>
    private const string UpdateVariable = "COURIER_UPDATE_DOCS";

    [Fact]
    public void Every_MlsCheck_has_a_rejection_test_that_names_it()
    {
        var untested = Enum.GetNames<MlsCheck>().Where(id => !RejectingTests().ContainsKey(id)).ToList();
        Assert.True(untested.Count == 0, "MlsCheck ids without a Rejects_<Id> test: " + string.Join(", ", untested));
    }

    [Fact]
    public void Docs_mls_checks_md_is_the_table_generated_from_the_code()
    {
        var path = Path.Combine(RepositoryRoot(), TablePath);
        var generated = Table();
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            File.WriteAllText(path, generated);
        }

        var committed = File.Exists(path) ? File.ReadAllText(path).ReplaceLineEndings("\n") : string.Empty;
        Assert.True(committed == generated, $"{TablePath} is out of date: run `{UpdateVariable}=1 dotnet test tests/Courier.Mls.Tests --filter Docs_mls_checks_md` and commit it.");
    }

    /// <summary>The table: one row per check, in the enum's order.</summary>
    private static string Table()
    {
        var docs = Summaries();
        var tests = RejectingTests();
        var table = new StringBuilder();
        table.Append("# The receiver checks of RFC 9420\n\n")
            .Append("Generated from `src/Courier.Mls/MlsCheck.cs` and the tests that reject each check by\n")
            .Append("`tests/Courier.Mls.Tests/CheckCoverageTests.cs`, which fails when this file is out of date.\n")
            .Append("A rejected message throws `MessageRejectedException` whose `Check` is the id.\n\n")
            .Append("| Id | RFC 9420 | Rejected when | Test that feeds a violating message |\n")
            .Append("|---|---|---|---|\n");
        foreach (var id in Enum.GetNames<MlsCheck>())
        {
            var summary = docs.GetValueOrDefault(id, string.Empty);
            var match = SectionPattern().Match(summary);
            var (sections, text) = match.Success ? (match.Groups[1].Value.Trim(), match.Groups[2].Value.Trim()) : (string.Empty, summary);
            var rejecting = tests.TryGetValue(id, out var names) ? string.Join("<br>", names.Select(n => $"`{n}`")) : "**none**";
            table.Append($"| `{id}` | {sections} | {text.Replace("|", "\\|", StringComparison.Ordinal)} | {rejecting} |\n");
        }

        return table.ToString();
    }

    /// <summary>Each check's doc comment, from the XML documentation the build writes beside Courier.Mls.dll.</summary>
    private static Dictionary<string, string> Summaries()
    {
        var xml = Path.ChangeExtension(typeof(MlsCheck).Assembly.Location, ".xml");
        var prefix = $"F:{typeof(MlsCheck).FullName}.";
        return XDocument.Load(xml).Descendants("member")
            .Where(m => ((string?)m.Attribute("name"))?.StartsWith(prefix, StringComparison.Ordinal) == true)
            .ToDictionary(
                m => ((string)m.Attribute("name")!)[prefix.Length..],
                m => WhitespacePattern().Replace(string.Concat(m.Element("summary")!.Nodes().Select(Text)), " ").Trim());
    }

    private static string Text(XNode node) => node switch
    {
        XText text => text.Value,
        XElement { Name.LocalName: "c" } code => $"`{code.Value}`",
        XElement element => ((string?)element.Attribute("cref"))?.Split('.')[^1] ?? element.Value,
        _ => string.Empty,
    };

    /// <summary>id → the <c>Rejects_</c> tests (Class.Method) whose name carries it.</summary>
    private static Dictionary<string, List<string>> RejectingTests()
    {
        var ids = Enum.GetNames<MlsCheck>().ToHashSet();
        return typeof(CheckCoverageTests).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Where(m => m.Name.StartsWith("Rejects_", StringComparison.Ordinal) && m.GetCustomAttributes().Any(a => a is FactAttribute))
            .SelectMany(m => m.Name.Split('_').Where(ids.Contains).Select(id => (Id: id, Test: $"{m.DeclaringType!.Name}.{m.Name}")))
            .GroupBy(p => p.Id)
            .ToDictionary(g => g.Key, g => g.Select(p => p.Test).Distinct().Order(StringComparer.Ordinal).ToList());
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

    /// <summary>"RFC 9420 §6.1, §8.2: text".</summary>
    [GeneratedRegex(@"^RFC 9420 ((?:§[0-9.]+(?:, )?)+):\s*(.*)$", RegexOptions.Singleline)]
    private static partial Regex SectionPattern();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhitespacePattern();
}
