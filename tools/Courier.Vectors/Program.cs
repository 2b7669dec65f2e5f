using Courier.Vectors;

// Usage: Courier.Vectors <dir> — runs every vector file found in <dir>: the MLS working group's, or the Sphinx ones.
if (args.Length != 1 || args[0] is "-h" or "--help")
{
    Console.Error.WriteLine("usage: dotnet run --project tools/Courier.Vectors -- <dir>");
    Console.Error.WriteLine("Runs the test-vector files in <dir> and prints one line per file: the MLS working group's");
    Console.Error.WriteLine("(mlswg/mls-implementations/test-vectors/*.json), or the Sphinx vectors (Katzenpost's");
    Console.Error.WriteLine("sphinx_vectors.json, Courier's sphinx_packet_vectors.json and lioness_vectors.json).");
    Console.Error.WriteLine("Exits 1 if any case failed, 2 on bad usage.");
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

// A family's missing files are listed only when the directory holds one of its files.
foreach (var family in new[] { VectorRunner.Files, VectorRunner.SphinxFiles })
{
    if (!family.Any(file => File.Exists(Path.Combine(directory, file.FileName))))
    {
        continue;
    }

    foreach (var file in family)
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
}

if (found == 0)
{
    Console.Error.WriteLine($"error: no test-vector files in {directory}");
    return 2;
}

return failed == 0 ? 0 : 1;
