using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Courier.TestKit;
using Courier.Vectors;

namespace Courier.Mix.Tests;

/// <summary>
/// Courier's own vectors (TestVectors/courier): regenerated from their seeds they are unchanged, and each
/// is checked as a second implementation would: every hop of every packet, header and payload byte for byte.
/// Set COURIER_MIX_WRITE_VECTORS=1 to rewrite the files after a deliberate format change.
/// </summary>
public class OwnVectorTests
{
    [Theory]
    [InlineData(OwnVectors.LionessFile)]
    [InlineData(OwnVectors.PacketsFile)]
    public void Regenerating_from_the_seeds_gives_the_stored_files(string fileName)
    {
        var generated = fileName == OwnVectors.LionessFile ? OwnVectors.Lioness() : OwnVectors.Packets();
        if (Environment.GetEnvironmentVariable("COURIER_MIX_WRITE_VECTORS") == "1")
        {
            File.WriteAllText(Path.Combine(SourceDirectory(), "TestVectors", "courier", fileName), generated);
        }

        Assert.Equal(File.ReadAllText(Vectors.Path("courier", fileName)), generated);
    }

    [Theory]
    [InlineData(OwnVectors.LionessFile, 5)]
    [InlineData(OwnVectors.PacketsFile, 14)]
    public void Every_case_checks_hop_by_hop(string fileName, int cases)
    {
        // Through tools/Courier.Vectors' checkers: every hop gives the next packet whole and the case's
        // commands, the last hop delivers the message (or the reply payload SurbKeys decrypts to it).
        var file = VectorRunner.SphinxFiles.Single(f => f.FileName == fileName);
        var report = VectorRunner.Run(file, Vectors.Path("courier", fileName));
        Assert.True(report.Failed == 0, string.Join(Environment.NewLine, report.Failures.Prepend(report.ToString())));
        Assert.Equal((cases, 0), (report.Passed, report.Skipped));
    }

    [Theory]
    [InlineData(3, "Packets", 2, 550, "hop 1: forwarded packet")] // a payload byte of what hop 1 forwards
    [InlineData(10, "Packets", 0, 2000, "hop 0: forwarded packet")] // a payload byte of the first packet
    [InlineData(11, "SurbKeys", 0, 200, "reply message: refused (InvalidPayload)")] // hop 0's key of the SURB's creator
    public void A_changed_vector_fails_at_the_right_place(int index, string field, int element, int byteOffset, string where)
    {
        var root = JsonNode.Parse(File.ReadAllText(Vectors.Path("courier", OwnVectors.PacketsFile)))!;
        var node = field == "Packets" ? root[index]![field]![element]! : root[index]![field]!;
        var bytes = Convert.FromHexString(node.GetValue<string>());
        bytes[byteOffset] ^= 0x01;
        node.ReplaceWith(Convert.ToHexStringLower(bytes));

        using var directory = new TempDirectory();
        var path = Path.Combine(directory.Path, OwnVectors.PacketsFile);
        File.WriteAllText(path, root.ToJsonString());
        var report = VectorRunner.Run(new CourierSphinxVectors(), path);
        Assert.Equal(1, report.Failed);
        Assert.Contains(where, Assert.Single(report.Failures), StringComparison.Ordinal);
    }

    private static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
