namespace Courier.Fuzz.Tests;

/// <summary>
/// Replays the committed seed corpus and every committed crash reproducer through the same
/// targets afl-fuzz runs (tools/fuzz.sh): each input must parse or be refused with the target's
/// typed error. A crash found by fuzzing stays fixed because its input is replayed here.
/// </summary>
public sealed class CorpusReplayTests
{
    private static readonly string FuzzFolder = Path.Combine(RepositoryRoot(), "tools", "Courier.Fuzz");

    public static TheoryData<string, string> Inputs()
    {
        var data = new TheoryData<string, string>();
        foreach (var kind in new[] { "corpus", "crashes" })
        {
            var root = Path.Combine(FuzzFolder, kind);
            if (!Directory.Exists(root))
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                data.Add(Path.GetFileName(Path.GetDirectoryName(file)!), Path.GetRelativePath(FuzzFolder, file));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Every_input_parses_or_is_refused_with_a_typed_error(string target, string file)
    {
        var fuzzTarget = Targets.Find(target);
        Assert.True(fuzzTarget is not null, $"{file} is in a folder that names no target");
        fuzzTarget.Run(File.ReadAllBytes(Path.Combine(FuzzFolder, file)));
    }

    [Fact]
    public void Every_target_has_a_seed_corpus()
    {
        var seeded = Directory.EnumerateDirectories(Path.Combine(FuzzFolder, "corpus"))
            .Where(folder => Directory.EnumerateFiles(folder).Any())
            .Select(Path.GetFileName);
        Assert.Equal(Targets.All.Select(t => t.Name).Order(), seeded.Order());
    }

    [Theory]
    [InlineData("welcome", "pair-welcome")]
    [InlineData("group-info", "pair-group-info")]
    [InlineData("key-package", "carol")]
    [InlineData("mls-message", "application")]
    [InlineData("mls-message", "commit")]
    [InlineData("bundle", "bundle")]
    [InlineData("png", "grey-64")]
    [InlineData("png", "rgb-48-text")]
    [InlineData("png", "rgba-40")]
    public void The_generated_seeds_pass_every_check_so_fuzzing_starts_deep(string target, string seed)
    {
        // The fixtures are derived from labels: the seed generator's Welcome opens with the
        // target's key package in another process. A seed that no longer parses means the corpus is stale.
        // Twice: mls-message restores its receiver for each input, so an accepted message stays acceptable.
        var input = File.ReadAllBytes(Path.Combine(FuzzFolder, "corpus", target, seed));
        Assert.True(Targets.Find(target)!.Run(input));
        Assert.True(Targets.Find(target)!.Run(input));
    }

    [Fact]
    public void An_exception_that_is_not_a_refusal_escapes()
    {
        // The harness must not swallow crashes: an untyped exception from the parser is a crash.
        var target = new FuzzTarget("probe", "a parser that fails untyped", _ => throw new IndexOutOfRangeException(), typeof(FormatException));
        Assert.Throws<IndexOutOfRangeException>(() => target.Run([1]));
        Assert.False(new FuzzTarget("probe", "a parser that refuses", _ => throw new FormatException(), typeof(FormatException)).Run([1]));
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Courier.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("The tests run from inside the repository.");
    }
}
