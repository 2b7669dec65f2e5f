namespace Courier.Mls.InteropRunner;

/// <summary>Counts outcomes per script and overall, and prints them at the end of a run.</summary>
internal sealed class Tally
{
    private readonly OrderedDictionary<string, ScriptTally> scripts = [];

    public int Passed { get; private set; }

    public int Failed { get; private set; }

    public int Skipped { get; private set; }

    public void Add(PlannedRun run, RunOutcome outcome)
    {
        var key = $"{run.File} {run.Script.Name}";
        if (!scripts.TryGetValue(key, out var t))
        {
            scripts[key] = t = new ScriptTally();
        }

        switch (outcome.Kind)
        {
            case OutcomeKind.Passed:
                Passed++;
                t.Passed++;
                break;
            case OutcomeKind.Failed:
                Failed++;
                t.Failed++;
                t.FirstFailure ??= $"{run.Label}: {outcome.Reason}";
                break;
            default:
                Skipped++;
                t.Skipped++;
                t.FirstSkip ??= $"{run.Label}: {outcome.Reason}";
                break;
        }
    }

    /// <summary>One line per script, then the closing "N passed, M failed, K skipped".</summary>
    public void Print(TextWriter output)
    {
        output.WriteLine();
        foreach (var (key, t) in scripts)
        {
            output.WriteLine($"tally {key}: {t.Passed} passed, {t.Failed} failed, {t.Skipped} skipped");
            if (t.FirstFailure is { } f)
            {
                output.WriteLine($"  first failure: {f}");
            }

            if (t.FirstSkip is { } s)
            {
                output.WriteLine($"  first skip: {s}");
            }
        }

        output.WriteLine($"{Passed} passed, {Failed} failed, {Skipped} skipped");
    }

    private sealed class ScriptTally
    {
        public int Passed { get; set; }

        public int Failed { get; set; }

        public int Skipped { get; set; }

        public string? FirstFailure { get; set; }

        public string? FirstSkip { get; set; }
    }
}
