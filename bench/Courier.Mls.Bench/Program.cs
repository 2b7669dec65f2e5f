using System.Globalization;
using System.Text.Json;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Courier.Mls.Crypto;
using Perfolizer.Horology;

namespace Courier.Mls.Bench;

/// <summary>
/// Runs the Courier.Mls side of the ts-mls comparison (docs/benchmarks.md) and writes its results
/// as JSON in the format of bench/ts-mls/bench.mjs; can print the ratio table against a ts-mls run.
/// </summary>
public static class Program
{
    private const string Usage = """
        usage: Courier.Mls.Bench [--quick] [--suite 1|84] [--n 10,100,1000] [--out DIR] [--filter GLOB]... [--ts-mls TS.json]
               Courier.Mls.Bench --sizes [--suite 1|84] [--n 10,100,1000]
               Courier.Mls.Bench --table COURIER.json PEER.json [TARGET]
               Courier.Mls.Bench --loop OP N SECONDS
          --quick     smoke run: n = 10, 100 and a few iterations each (about a minute)
          --suite     the ciphersuite: 1 (default) or 84 (0x0054, X-Wing)
          --sizes     only print the encoded sizes: KeyPackage, add commit, Welcome, update commit
          --n         group sizes (default 10,100,1000)
          --out       directory for BenchmarkDotNet's artifacts and courier.json (default BenchmarkDotNet.Artifacts)
          --filter    BenchmarkDotNet glob on Type.Method, e.g. '*GroupBenchmarks.Update*' or '*KeyPackage*'
          --ts-mls    the last stdout line of `node bench/ts-mls/bench.mjs`: print the ratio table
          --table     only print the ratio table of two result files (the peer's: ts-mls or
                      bench/openmls), each ratio checked against TARGET (default 1)
          --loop OP N SECONDS   repeat one op (e.g. add_commit 100 20) without BenchmarkDotNet, for a profiler
        """;

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static int Main(string[] args)
    {
        var quick = false;
        var sizes = new List<int>();
        var outDir = "BenchmarkDotNet.Artifacts";
        var filters = new List<string>();
        string? tsMls = null;
        var sizesOnly = false;
        try
        {
            for (var i = 0; i < args.Length; i++)
            {
                switch (args[i])
                {
                    case "--quick":
                        quick = true;
                        break;
                    case "--n":
                        sizes = args[++i].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
                        break;
                    case "--suite":
                        GroupFixture.Suite = (CipherSuiteId)ushort.Parse(args[++i], CultureInfo.InvariantCulture);
                        if (!Enum.IsDefined(GroupFixture.Suite))
                        {
                            throw new ArgumentException($"ciphersuite {args[i]} is not implemented");
                        }

                        break;
                    case "--sizes":
                        sizesOnly = true;
                        break;
                    case "--out":
                        outDir = args[++i];
                        break;
                    case "--filter":
                        filters.Add(args[++i]);
                        break;
                    case "--ts-mls":
                        tsMls = args[++i];
                        break;
                    case "--loop" when i + 3 < args.Length:
                        return Loop.Run(args[i + 1], int.Parse(args[i + 2], CultureInfo.InvariantCulture), double.Parse(args[i + 3], CultureInfo.InvariantCulture));
                    case "--table" when i + 2 < args.Length:
                        var target = i + 3 < args.Length ? double.Parse(args[i + 3], CultureInfo.InvariantCulture) : 1;
                        Console.Write(RatioTable.Render(Read(args[i + 1]), Read(args[i + 2]), target));
                        return 0;
                    default:
                        throw new ArgumentException($"unknown argument {args[i]}");
                }
            }
        }
        catch (Exception e) when (e is ArgumentException or FormatException or IndexOutOfRangeException)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(Usage);
            return 2;
        }

        if (sizes.Count == 0)
        {
            sizes = quick ? [10, 100] : [10, 100, 1000];
        }

        if (sizes.Any(n => n < 2))
        {
            Console.Error.WriteLine("group sizes must be at least 2");
            return 2;
        }

        if (sizesOnly)
        {
            PrintSizes(sizes);
            return 0;
        }

        Directory.CreateDirectory(outDir);
        var results = new List<OpResult>();
        var failed = 0;

        // One artifacts folder per run: BenchmarkDotNet names its reports after the type only.
        void Run(Type type, Job job, string folder)
        {
            var config = DefaultConfig.Instance.AddJob(job).WithArtifactsPath(Path.GetFullPath(Path.Combine(outDir, folder)));
            if (!quick)
            {
                config = config.AddDiagnoser(MemoryDiagnoser.Default);
            }

            if (filters.Count > 0)
            {
                config = config.AddFilter(new GlobFilter([.. filters]));
            }

            var summary = BenchmarkRunner.Run(type, config);
            foreach (var report in summary.Reports)
            {
                if (OpResult.From(report) is { } result)
                {
                    results.Add(result);
                }
                else
                {
                    failed++;
                }
            }
        }

        Run(typeof(KeyPackageBenchmarks), MicroJob(quick), "micro");
        Run(typeof(MessageBenchmarks), MicroJob(quick), "micro");
        Run(typeof(SignatureBenchmarks), MicroJob(quick), "micro");
        foreach (var n in sizes)
        {
            GroupBenchmarks.Sizes = [n];
            Run(typeof(GroupBenchmarks), GroupJob(n, quick), string.Create(CultureInfo.InvariantCulture, $"n{n}"));
        }

        var run = new RunResults("Courier.Mls", typeof(Group.MlsGroup).Assembly.GetName().Version?.ToString() ?? "?", Environment.Version.ToString(), (int)GroupFixture.Suite, results);
        var path = Path.Combine(outDir, "courier.json");
        File.WriteAllText(path, JsonSerializer.Serialize(run, Json) + "\n");
        Console.WriteLine($"Courier results: {path}");
        if (tsMls is not null)
        {
            Console.Write(RatioTable.Render(run, Read(tsMls)));
        }

        if (results.Count == 0)
        {
            // BenchmarkDotNet refuses a non-optimized build, and a filter may match nothing.
            Console.Error.WriteLine("no benchmark ran: build in Release (-c Release) and check --filter");
            return 1;
        }

        return failed == 0 ? 0 : 1;
    }

    /// <summary>The encoded sizes of the run's suite: they do not vary between runs but for the signatures' and identities' lengths.</summary>
    private static void PrintSizes(IReadOnlyList<int> sizes)
    {
        using var bundle = GroupFixture.NewBundle("member");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"suite {(int)GroupFixture.Suite}: KeyPackage {bundle.KeyPackageBytes.Length} bytes"));
        foreach (var n in sizes)
        {
            var fixture = GroupFixture.For(n);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"suite {(int)GroupFixture.Suite}, N = {n}: add commit {fixture.AddCommitSize} bytes, Welcome {fixture.Welcome.Length} bytes, update commit {fixture.UpdateCommit.Length} bytes"));
        }
    }

    /// <summary>Microsecond ops: BenchmarkDotNet picks the invocation count for each iteration.</summary>
    private static Job MicroJob(bool quick) => Job.Default
        .WithToolchain(InProcessEmitToolchain.Instance)
        .WithLaunchCount(1)
        .WithWarmupCount(quick ? 1 : 3)
        .WithIterationCount(quick ? 3 : 15)
        .WithIterationTime(TimeInterval.FromMilliseconds(quick ? 100 : 250));

    /// <summary>Millisecond-to-second ops with a state reset per iteration: one invocation per iteration, fewer for big groups.</summary>
    private static Job GroupJob(int n, bool quick)
    {
        var (warmup, iterations) = quick ? (1, 3) : n <= 10 ? (3, 30) : n <= 100 ? (2, 15) : (1, 6);
        return Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithInvocationCount(1)
            .WithUnrollFactor(1)
            .WithWarmupCount(warmup)
            .WithIterationCount(iterations);
    }

    private static RunResults Read(string path)
    {
        // ts-mls prints progress before its JSON line: take the last non-empty line.
        var line = File.ReadAllLines(path).Last(l => !string.IsNullOrWhiteSpace(l));
        return JsonSerializer.Deserialize<RunResults>(line, Json) ?? throw new InvalidDataException($"{path}: no results");
    }
}

/// <summary>One implementation's results, as bench/ts-mls/bench.mjs prints them.</summary>
public sealed record RunResults(string Implementation, string Version, string? Runtime, int Ciphersuite, List<OpResult> Results);

/// <summary>One op: times in microseconds per operation.</summary>
public sealed record OpResult(string Op, int? N, double MeanUs, double MedianUs, int Iterations, long? AllocatedBytes = null)
{
    internal static OpResult? From(BenchmarkReport report)
    {
        var stats = report.ResultStatistics;
        if (stats is null)
        {
            return null;
        }

        var benchmark = report.BenchmarkCase;
        var method = benchmark.Descriptor.WorkloadMethod.Name;
        int? n = benchmark.HasParameters && benchmark.Parameters.Items.FirstOrDefault(p => p.Name == "N") is { } np ? (int)np.Value : null;
        var op = method switch
        {
            "KeyPackageGeneration" => "key_package_generation",
            "SignVerify" => "ed25519_sign_verify_1KiB",
            "ProtectUnprotect" => (int)benchmark.Parameters["Size"] == 1024 ? "protect_unprotect_1KiB" : $"protect_unprotect_{benchmark.Parameters["Size"]}B",
            "AddCommit" => "add_commit",
            "JoinFromWelcome" => "join_from_welcome",
            "UpdateCommit" => "update_commit",
            "ProcessUpdateCommit" => "process_update_commit",
            _ => method,
        };
        long? allocated = report.GcStats.GetBytesAllocatedPerOperation(benchmark);
        return new OpResult(op, n, Math.Round(stats.Mean / 1000, 1), Math.Round(stats.Median / 1000, 1), stats.N, allocated);
    }
}
