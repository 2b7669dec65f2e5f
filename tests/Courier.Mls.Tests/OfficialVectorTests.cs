using Courier.Vectors;

namespace Courier.Mls.Tests;

/// <summary>Runs the vendored MLS working-group vectors through the same checkers as tools/Courier.Vectors.</summary>
public class OfficialVectorTests
{
    /// <summary>Files whose checker exists; the others are reported as skipped by the vector tool.</summary>
    public static TheoryData<string> BuiltFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in VectorRunner.Files.Where(f => f is not NotYetBuilt))
        {
            data.Add(file.FileName);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BuiltFiles))]
    public void File_passes_for_suites_1_2_and_3_with_no_failure(string fileName)
    {
        var file = VectorRunner.Files.Single(f => f.FileName == fileName);
        var report = VectorRunner.Run(file, TestVectorPaths.Mls(fileName));

        Assert.True(report.Failed == 0, string.Join(Environment.NewLine, report.Failures.Prepend(report.ToString())));
        Assert.True(report.Passed > 0, report.ToString());
        if (file.PerSuite)
        {
            // Every case of suites 1, 2 and 3 passes, none skipped (tree-operations.json has suite 1 only).
            var cases = CasesPerSuite(fileName);
            Assert.True(cases.ContainsKey(1), $"{fileName} has no suite-1 case");
            foreach (var suite in new ushort[] { 1, 2, 3 }.Where(cases.ContainsKey))
            {
                Assert.True(report.PassedBySuite.GetValueOrDefault(suite) == cases[suite], $"{cases[suite]} cases of suite {suite}, not all passed: {report}");
            }
        }
    }

    private static Dictionary<ushort, int> CasesPerSuite(string fileName)
    {
        using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(TestVectorPaths.Mls(fileName)));
        return document.RootElement.EnumerateArray().GroupBy(c => c.GetProperty("cipher_suite").GetUInt16()).ToDictionary(g => g.Key, g => g.Count());
    }
}
