using Courier.Fuzz;
using SharpFuzz;

// Courier.Fuzz --list | TARGET (under afl-fuzz) | seed REPOSITORY_ROOT | replay TARGET FILE...
switch (args)
{
    case ["--list"]:
        foreach (var target in Targets.All)
        {
            Console.WriteLine($"{target.Name,-16} {target.Covers}");
        }

        return 0;

    case ["seed", var root]:
        foreach (var (target, name, bytes) in Targets.Seeds(root))
        {
            var folder = Path.Combine(root, "tools", "Courier.Fuzz", "corpus", target);
            Directory.CreateDirectory(folder);
            File.WriteAllBytes(Path.Combine(folder, name), bytes);
        }

        return 0;

    case ["replay", var name, .. var files] when Targets.Find(name) is { } target:
        foreach (var file in files)
        {
            target.Run(File.ReadAllBytes(file));
        }

        return 0;

    case [var name] when Targets.Find(name) is { } target:
        // Persistent mode: one process runs many inputs; a crash escapes as an unhandled exception.
        Fuzzer.OutOfProcess.Run(stream =>
        {
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            target.Run(buffer.ToArray());
        });
        return 0;

    default:
        Console.Error.WriteLine("usage: Courier.Fuzz --list | TARGET | seed REPOSITORY_ROOT | replay TARGET FILE...");
        return 2;
}
