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
    public void File_passes_for_suites_1_and_3_with_no_failure(string fileName)
    {
        var file = VectorRunner.Files.Single(f => f.FileName == fileName);
        var report = VectorRunner.Run(file, TestVectorPaths.Mls(fileName));

        Assert.True(report.Failed == 0, string.Join(Environment.NewLine, report.Failures.Prepend(report.ToString())));
        Assert.True(report.Passed > 0, report.ToString());
        if (file.PerSuite)
        {
            Assert.True(report.PassedBySuite.GetValueOrDefault((ushort)1) > 0, $"no passing case for suite 1: {report}");
            Assert.True(report.PassedBySuite.GetValueOrDefault((ushort)3) > 0, $"no passing case for suite 3: {report}");
        }
    }
}
