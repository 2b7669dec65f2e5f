using Courier.Vectors;

// Usage: Courier.Vectors <dir> — runs every official MLS vector file found in <dir>.
if (args.Length != 1 || args[0] is "-h" or "--help")
{
    Console.Error.WriteLine("usage: dotnet run --project tools/Courier.Vectors -- <dir>");
    Console.Error.WriteLine("Runs the MLS working group's test vectors (mlswg/mls-implementations/test-vectors/*.json)");
    Console.Error.WriteLine("in <dir> and prints one line per file. Exits 1 if any case failed, 2 on bad usage.");
    return args.Length == 1 ? 0 : 2;
}

var directory = args[0];
if (!Directory.Exists(directory))
{
    Console.Error.WriteLine($"error: no such directory: {directory}");
    return 2;
}

var failed = 0;
var found = 0;
foreach (var file in VectorRunner.Files)
{
    var path = Path.Combine(directory, file.FileName);
    if (!File.Exists(path))
    {
        Console.WriteLine($"{file.FileName}: missing");
        continue;
    }

    found++;
    var report = VectorRunner.Run(file, path);
    Console.WriteLine(report);
    foreach (var failure in report.Failures.Take(5))
    {
        Console.WriteLine($"  {failure}");
    }

    failed += report.Failed;
}

if (found == 0)
{
    Console.Error.WriteLine($"error: no test-vector files in {directory}");
    return 2;
}

return failed == 0 ? 0 : 1;
