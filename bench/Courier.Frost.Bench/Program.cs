using BenchmarkDotNet.Running;

// Usage: dotnet run -c Release --project bench/Courier.Frost.Bench -- --filter '*' --job short,
// under `flock -o /tmp/courier-bench.lock` (docs/benchmarks.md, "FROST").
BenchmarkSwitcher.FromAssembly(typeof(Courier.Frost.Bench.SigningBenchmarks).Assembly).Run(args);
