using System.Diagnostics;
using System.Globalization;

namespace Courier.Mls.Bench;

/// <summary>
/// Repeats one op with the same setup as the benchmarks, outside BenchmarkDotNet, so that a profiler
/// (<c>dotnet-trace collect -- dotnet Courier.Mls.Bench.dll --loop add_commit 100 20</c>) sees mostly that op.
/// </summary>
internal static class Loop
{
    public static int Run(string op, int n, double seconds)
    {
        var groups = new GroupBenchmarks { N = n };
        var messages = new MessageBenchmarks { Size = op == "protect_unprotect_1KiB" ? 1024 : 100 };
        var keyPackages = new KeyPackageBenchmarks();
        (Action? Setup, Action Op) plan = op switch
        {
            "key_package_generation" => (null, () => keyPackages.KeyPackageGeneration()),
            "protect_unprotect_100B" or "protect_unprotect_1KiB" => (null, () => messages.ProtectUnprotect()),
            "add_commit" => (groups.RestoreOneMemberGroup, () => groups.AddCommit()),
            "join_from_welcome" => (null, () => groups.JoinFromWelcome()),
            "update_commit" => (groups.RestoreCommitter, () => groups.UpdateCommit()),
            "process_update_commit" => (groups.RestoreJoiner, () => groups.ProcessUpdateCommit()),
            _ => throw new ArgumentException($"unknown op {op}"),
        };

        if (op.StartsWith("protect", StringComparison.Ordinal))
        {
            messages.Setup();
        }
        else if (op != "key_package_generation")
        {
            groups.Setup();
        }

        // On a shared machine the CPU time the process spends in the op varies less than wall time.
        using var process = Process.GetCurrentProcess();
        var measured = TimeSpan.Zero;
        var cpu = TimeSpan.Zero;
        var count = 0;
        var total = Stopwatch.StartNew();

        // One op first, not counted: what the setup did not already compile is compiled here.
        plan.Setup?.Invoke();
        plan.Op();
        groups.DisposeGroup();
        while (total.Elapsed.TotalSeconds < seconds)
        {
            plan.Setup?.Invoke();
            process.Refresh();
            var cpuStart = process.TotalProcessorTime;
            var start = Stopwatch.GetTimestamp();
            plan.Op();
            measured += Stopwatch.GetElapsedTime(start);
            process.Refresh();
            cpu += process.TotalProcessorTime - cpuStart;
            groups.DisposeGroup();
            count++;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{op} n={n}: {count} runs on {Environment.ProcessorCount} cores, mean wall {measured.TotalMicroseconds / count:0.0} µs, mean CPU {cpu.TotalMicroseconds / count:0.0} µs (op only)"));
        messages.Dispose();
        return 0;
    }
}
