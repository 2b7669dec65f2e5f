using System.Globalization;
using System.Text;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Courier.Mix.Bench;
using Perfolizer.Horology;

// Usage: Courier.Mix.Bench [--out DIR]. A short in-process job (about three minutes), then the table of
// docs/benchmarks.md for each packet size: each operation's median, the raw bound (sum of the
// cryptography), and the targets of issue 14 (unwrap ≥ 70% of the raw bound, i.e. raw / unwrap ≥ 0.7,
// and ≤ 72 µs). Run it under `flock -o /tmp/courier-bench.lock`.
var outDir = args.Length == 2 && args[0] == "--out" ? args[1] : "BenchmarkDotNet.Artifacts/mix";
var job = Job.Default
    .WithToolchain(InProcessEmitToolchain.Instance)
    .WithLaunchCount(1)
    .WithWarmupCount(3)
    .WithIterationCount(15)
    .WithIterationTime(TimeInterval.FromMilliseconds(200));
var summary = BenchmarkRunner.Run<UnwrapBenchmarks>(DefaultConfig.Instance.AddJob(job).WithArtifactsPath(Path.GetFullPath(outDir)));
var store = BenchmarkRunner.Run<ReplayStoreBenchmarks>(DefaultConfig.Instance.AddJob(job).WithArtifactsPath(Path.GetFullPath(outDir)));
string[] raw = ["X25519", "Kdf", "ReplayTag", "HeaderMac", "HeaderStream", "LionessPayload", "Blinding"];
var text = new StringBuilder();
text.AppendLine(CultureInfo.InvariantCulture, $"load average at the end of BenchmarkDotNet's run: {File.ReadAllText("/proc/loadavg").Trim()}");
foreach (var size in summary.Reports.GroupBy(r => (int)r.BenchmarkCase.Parameters["MessageLength"]).OrderBy(g => g.Key))
{
    var medians = size
        .Where(r => r.ResultStatistics is not null)
        .ToDictionary(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name, r => r.ResultStatistics!.Median / 1000.0);
    if (!medians.TryGetValue(nameof(UnwrapBenchmarks.Unwrap), out var unwrap) || medians.Count < 9)
    {
        Console.Error.WriteLine("not every benchmark ran: build in Release (-c Release)");
        return 1;
    }

    var bound = raw.Sum(name => medians[name]);
    text.AppendLine();
    text.AppendLine(CultureInfo.InvariantCulture, $"### {size.Key:#,0}-byte messages");
    text.AppendLine();
    text.AppendLine("| operation | median (µs) |");
    text.AppendLine("|---|---:|");
    foreach (var (name, us) in medians)
    {
        text.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {us:0.00} |");
    }

    var ratio = medians["RawSum"] / unwrap;
    text.AppendLine(CultureInfo.InvariantCulture, $"| sum of the {raw.Length} raw operations' medians | {bound:0.00} |");
    text.AppendLine();
    text.AppendLine(CultureInfo.InvariantCulture, $"BenchmarkDotNet: RawSum / Unwrap = {ratio:0.000} (target ≥ 0.7: {(ratio >= 0.7 ? "met" : "missed")}); unwrap {unwrap:0.0} µs (target ≤ 72: {(unwrap <= 72 ? "met" : "missed")})");

    // The same ratio with Unwrap and RawSum alternating in 41 rounds, and per call in process CPU time.
    var bench = new UnwrapBenchmarks { MessageLength = size.Key };
    bench.Setup();
    int perRound = size.Key > 16 * 1024 ? 50 : 200, cpuCalls = size.Key > 16 * 1024 ? 1000 : 5000;
    var (interleavedUnwrap, interleavedRaw, interleavedRatio) = Interleaved.Measure(bench, rounds: 41, perRound);
    var cpuUnwrap = Interleaved.CpuMicroseconds(() => bench.Unwrap(), cpuCalls);
    var cpuRaw = Interleaved.CpuMicroseconds(() => bench.RawSum(), cpuCalls);
    text.AppendLine(CultureInfo.InvariantCulture, $"CPU time per call ({cpuCalls:#,0} calls each): unwrap {cpuUnwrap:0.0} µs, raw {cpuRaw:0.0} µs, ratio {cpuRaw / cpuUnwrap:0.000}; {1e6 / cpuUnwrap:#,0} unwraps per CPU second");
    // Each raw operation alone in CPU time: where an unwrap's time goes, and whether X25519 alone (twice per hop) leaves room for 72 µs.
    var parts = new (string Name, Action Call)[]
    {
        ("X25519", () => bench.X25519()), ("Kdf", bench.Kdf), ("ReplayTag", bench.ReplayTag), ("HeaderMac", bench.HeaderMac),
        ("HeaderStream", bench.HeaderStream), ("LionessPayload", bench.LionessPayload), ("Blinding", () => bench.Blinding()),
    };
    text.AppendLine("CPU time per call of each raw operation (µs): " + string.Join(", ", parts.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Name} {Interleaved.CpuMicroseconds(p.Call, Interleaved.CallsFor(p.Call, TimeSpan.FromMilliseconds(400))):0.0}"))));
    text.AppendLine(CultureInfo.InvariantCulture, $"Interleaved ({perRound} calls a round): unwrap {interleavedUnwrap:0.0} µs, raw {interleavedRaw:0.0} µs, median ratio raw / unwrap = {interleavedRatio:0.000} (target ≥ 0.7: {(interleavedRatio >= 0.7 ? "met" : "missed")})");
}

text.AppendLine();
double? StoreMedian(string name) => store.Reports.Single(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == name).ResultStatistics?.Median / 1000.0;
text.AppendLine(CultureInfo.InvariantCulture, $"Replay store (SqliteReplayTags.TryAdd of a new tag, committed): {StoreMedian(nameof(ReplayStoreBenchmarks.CommitTag)):0.0} µs median");
text.AppendLine(CultureInfo.InvariantCulture, $"Replay store (AddAsync of {ReplayStoreBenchmarks.GroupSize} new tags in one group commit): {StoreMedian(nameof(ReplayStoreBenchmarks.CommitGroup)) / ReplayStoreBenchmarks.GroupSize:0.0} µs per tag (median)");
text.AppendLine(CultureInfo.InvariantCulture, $"load average at the end: {File.ReadAllText("/proc/loadavg").Trim()}");
Console.Write(text);
File.WriteAllText(Path.Combine(outDir, "table.md"), text.ToString());
return 0;
