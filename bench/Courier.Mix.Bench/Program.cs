using System.Globalization;
using System.Text;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Courier.Mix.Bench;
using Perfolizer.Horology;

// Usage: Courier.Mix.Bench [--out DIR]. A short in-process job (about a minute and a half), then the table of
// docs/benchmarks.md: each operation's median, the raw bound (sum of the cryptography), and the targets of
// issue 14 (unwrap ≥ 70% of the raw bound, i.e. raw / unwrap ≥ 0.7, and ≤ 72 µs). Run it under
// `flock -o /tmp/courier-bench.lock`.
var outDir = args.Length == 2 && args[0] == "--out" ? args[1] : "BenchmarkDotNet.Artifacts/mix";
var job = Job.Default
    .WithToolchain(InProcessEmitToolchain.Instance)
    .WithLaunchCount(1)
    .WithWarmupCount(3)
    .WithIterationCount(15)
    .WithIterationTime(TimeInterval.FromMilliseconds(200));
var summary = BenchmarkRunner.Run<UnwrapBenchmarks>(DefaultConfig.Instance.AddJob(job).WithArtifactsPath(Path.GetFullPath(outDir)));
var medians = summary.Reports
    .Where(r => r.ResultStatistics is not null)
    .ToDictionary(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name, r => r.ResultStatistics!.Median / 1000.0);
if (!medians.TryGetValue(nameof(UnwrapBenchmarks.Unwrap), out var unwrap) || medians.Count < 9)
{
    Console.Error.WriteLine("not every benchmark ran: build in Release (-c Release)");
    return 1;
}

string[] raw = ["X25519", "Kdf", "ReplayTag", "HeaderMac", "HeaderStream", "LionessPayload", "Blinding"];
var bound = raw.Sum(name => medians[name]);
var text = new StringBuilder();
text.AppendLine("| operation | median (µs) |");
text.AppendLine("|---|---:|");
foreach (var (name, us) in medians)
{
    text.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {us:0.00} |");
}

var ratio = medians["RawSum"] / unwrap;
text.AppendLine(CultureInfo.InvariantCulture, $"| sum of the {raw.Length} raw operations' medians | {bound:0.00} |");
text.AppendLine();
text.AppendLine(CultureInfo.InvariantCulture, $"BenchmarkDotNet: RawSum / Unwrap = {ratio:0.000} (target ≥ 0.7: {(ratio >= 0.7 ? "met" : "missed")}); unwrap {unwrap:0.0} µs (target ≤ 72: {(unwrap <= 72 ? "met" : "missed")}); {1e6 / unwrap:#,0} unwraps/s on one core (target ≥ 5,000 packets/s)");

// The same ratio with Unwrap and RawSum alternating in 41 rounds of 200 calls each.
var bench = new UnwrapBenchmarks();
bench.Setup();
var (interleavedUnwrap, interleavedRaw, interleavedRatio) = Interleaved.Measure(bench, rounds: 41, perRound: 200);
var cpuUnwrap = Interleaved.CpuMicroseconds(() => bench.Unwrap(), 5000);
var cpuRaw = Interleaved.CpuMicroseconds(() => bench.RawSum(), 5000);
text.AppendLine(CultureInfo.InvariantCulture, $"CPU time per call (5,000 calls each): unwrap {cpuUnwrap:0.0} µs, raw {cpuRaw:0.0} µs, ratio {cpuRaw / cpuUnwrap:0.000}");
text.AppendLine(CultureInfo.InvariantCulture, $"Interleaved: unwrap {interleavedUnwrap:0.0} µs, raw {interleavedRaw:0.0} µs, median ratio raw / unwrap = {interleavedRatio:0.000} (target ≥ 0.7: {(interleavedRatio >= 0.7 ? "met" : "missed")})");
Console.Write(text);
File.WriteAllText(Path.Combine(outDir, "table.md"), text.ToString());
return 0;
