using System.Diagnostics;
using System.Security.Cryptography;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Courier.Covers;
using Courier.Covers.Bench;

// Usage: Courier.Covers.Bench [--once] [--out DIR]. BenchmarkDotNet's run (a few minutes), or with --once
// one embedding timed by a stopwatch (the inner loop). Run it under `flock -o /tmp/courier-bench.lock`.
if (args.Contains("--once"))
{
    var cover = EmbedBenchmarks.Make();
    var payload = RandomNumberGenerator.GetBytes(64 << 10);
    var key = new byte[CoverImage.KeySize];
    for (var i = 0; i < 3; i++)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var result = CoverImage.Embed(cover, payload, key);
        var embed = watch.Elapsed.TotalSeconds;
        var embedCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        watch.Restart();
        var back = CoverImage.Extract(result.Png, payload.Length, key);
        Console.WriteLine($"embed {embed:F2} s ({embedCpu:F2} s CPU), extract {watch.Elapsed.TotalSeconds:F2} s, {result.Stats.Changes} changes, {result.Stats.ChangesPerBit:F3} per bit, cover {cover.Length} bytes, stego {result.Png.Length} bytes, round trip {back.AsSpan().SequenceEqual(payload)}");
    }

    Phases(cover, payload.Length * 8, key);
    return;
}

// Each phase of an embedding alone, wall and CPU time (the machine is shared: CPU time varies less).
static void Phases(byte[] cover, int bits, byte[] key)
{
    T Time<T>(string name, Func<T> action)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var result = action();
        Console.WriteLine($"  {name}: {watch.Elapsed.TotalSeconds:F2} s wall, {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:F2} s CPU");
        return result;
    }

    var file = Time("read and decode", () => Courier.Covers.Png.PngFile.Read(cover));
    var samples = file.Samples;
    Time("cover checks", () =>
    {
        CoverChecks.Check(file.Width, file.Height, file.Channels, file.ColourChannels, samples);
        return 0;
    });
    var costs = Time("HILL costs", () => Hill.Costs(samples, file.Width, file.Height, file.Channels, file.ColourChannels));
    var order = Time("element order", () => ElementOrder.Draw(key, 0, file.Width * file.Height * 3, 16 * bits));
    Time("gather parities and costs (all segments, one core)", () => CoverImage.Gather(file, samples, costs, order));
    Time("digest", () => CoverImage.Digest(cover));
    Time("trellis (one segment of 2^15 bits, 2^19 columns)", () =>
    {
        var random = new Random(1);
        var parities = new byte[1 << 19];
        var costs = new float[1 << 19];
        var message = new byte[1 << 15];
        random.NextBytes(parities);
        for (var i = 0; i < parities.Length; i++)
        {
            parities[i] &= 1;
            costs[i] = random.NextSingle();
        }

        return Stc.Embed(parities, costs, message);
    });
    Time("encode", () => Courier.Covers.Png.PngCodec.Encode(file, samples));
}

var outDir = args.Length == 2 && args[0] == "--out" ? args[1] : "BenchmarkDotNet.Artifacts/covers";
var job = Job.Default
    .WithToolchain(InProcessEmitToolchain.Instance)
    .WithLaunchCount(1)
    .WithWarmupCount(1)
    .WithIterationCount(10)
    .WithInvocationCount(1)
    .WithUnrollFactor(1);
BenchmarkRunner.Run<EmbedBenchmarks>(DefaultConfig.Instance.AddJob(job).WithArtifactsPath(Path.GetFullPath(outDir)));
Console.WriteLine($"load average at the end: {File.ReadAllText("/proc/loadavg").Trim()}");
