using System.Text.Json;
using Courier.Mls.Crypto;

namespace Courier.Vectors;

/// <summary>What running one vector file found.</summary>
public sealed class VectorReport(string fileName)
{
    /// <summary>The file name.</summary>
    public string FileName { get; } = fileName;

    /// <summary>Cases that passed.</summary>
    public int Passed { get; internal set; }

    /// <summary>Cases that failed.</summary>
    public int Failed { get; internal set; }

    /// <summary>Cases that were skipped.</summary>
    public int Skipped { get; internal set; }

    /// <summary>Passed cases per ciphersuite identifier (0 for files without suites).</summary>
    public SortedDictionary<ushort, int> PassedBySuite { get; } = [];

    /// <summary>Why cases were skipped, each reason once.</summary>
    public SortedSet<string> SkipReasons { get; } = new(StringComparer.Ordinal);

    /// <summary>One line per failed case.</summary>
    public List<string> Failures { get; } = [];

    /// <summary>The summary line: "file: p passed [suite: count, ...], f failed, s skipped (reasons)".</summary>
    public override string ToString()
    {
        var bySuite = PassedBySuite.Keys.Any(s => s != 0)
            ? $" [{string.Join(", ", PassedBySuite.Select(p => $"suite {p.Key}: {p.Value}"))}]"
            : "";
        var line = $"{FileName}: {Passed} passed{bySuite}, {Failed} failed, {Skipped} skipped";
        return SkipReasons.Count == 0 ? line : $"{line} ({string.Join("; ", SkipReasons)})";
    }
}

/// <summary>Runs the official MLS test-vector files, or the Sphinx vector files, in a directory.</summary>
public static class VectorRunner
{
    /// <summary>Every file of mlswg/mls-implementations/test-vectors with its checker.</summary>
    public static IReadOnlyList<VectorFile> Files { get; } =
    [
        new TreeMathVectors(),
        new CryptoBasicsVectors(),
        new SecretTreeVectors(),
        new MessageProtectionVectors(),
        new KeyScheduleVectors(),
        new PskSecretVectors(),
        new TranscriptHashVectors(),
        new DeserializationVectors(),
        new MessagesVectors(),
        new WelcomeVectors(),
        new TreeOperationsVectors(),
        new TreeValidationVectors(),
        new TreeKemVectors(),
        new PassiveClientVectors("passive-client-welcome.json", madeAt: 1_690_000_000),
        new PassiveClientVectors("passive-client-handling-commit.json", madeAt: 1_720_000_000),
        new PassiveClientVectors("passive-client-random.json", madeAt: 1_720_000_000),
    ];

    /// <summary>The Sphinx vectors: Katzenpost's (headers) and Courier's own (Lioness, whole packets).</summary>
    public static IReadOnlyList<VectorFile> SphinxFiles { get; } =
    [
        new KatzenpostSphinxVectors(),
        new CourierSphinxVectors(),
        new LionessVectors(),
    ];

    /// <summary>Runs one file's cases.</summary>
    public static VectorReport Run(VectorFile file, string path)
    {
        var report = new VectorReport(file.FileName);
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        foreach (var testCase in document.RootElement.EnumerateArray())
        {
            RunCase(file, testCase, report);
        }

        return report;
    }

    private static void RunCase(VectorFile file, JsonElement testCase, VectorReport report)
    {
        if (file is NotYetBuilt notBuilt)
        {
            report.Skipped++;
            report.SkipReasons.Add(notBuilt.Reason);
            return;
        }

        CipherSuite? suite = null;
        ushort suiteId = 0;
        if (file.PerSuite)
        {
            suiteId = testCase.GetProperty("cipher_suite").GetUInt16();
            suite = CipherSuite.Find(suiteId);
            if (suite is null)
            {
                report.Skipped++;
                report.SkipReasons.Add("ciphersuites other than 1, 2 and 3 are not implemented");
                return;
            }
        }

        try
        {
            file.Check(testCase, suite);
            report.Passed++;
            report.PassedBySuite[suiteId] = report.PassedBySuite.GetValueOrDefault(suiteId) + 1;
        }
        catch (Exception e)
        {
            // Any exception fails this case only: the report must still cover every other case.
            report.Failed++;
            report.Failures.Add($"case {report.Passed + report.Failed + report.Skipped} (suite {suiteId}): {e.GetType().Name}: {e.Message}");
        }
    }
}
