namespace Courier.Mls.InteropRunner;

/// <summary>Counts outcomes per script, per file, per limitation and overall, and prints them at the end of a run.</summary>
internal sealed class Tally
{
    private readonly OrderedDictionary<string, Counts> scripts = [];
    private readonly OrderedDictionary<string, Counts> files = [];
    private readonly Dictionary<PeerLimitation, int> limitationRuns = [];
    private int otherSkips;

    public int Passed { get; private set; }

    public int Failed { get; private set; }

    public int Skipped { get; private set; }

    public void Add(PlannedRun run, RunOutcome outcome)
    {
        var script = Get(scripts, $"{run.File} {run.Script.Name}");
        var file = Get(files, run.File);
        switch (outcome.Kind)
        {
            case OutcomeKind.Passed:
                Passed++;
                script.Passed++;
                file.Passed++;
                break;
            case OutcomeKind.Failed:
                Failed++;
                script.Failed++;
                file.Failed++;
                script.FirstFailure ??= $"{run.Label}: {outcome.Reason}";
                break;
            default:
                Skipped++;
                script.Skipped++;
                file.Skipped++;
                script.FirstSkip ??= $"{run.Label}: {outcome.Reason}";
                if (outcome.Limitation is { } l)
                {
                    limitationRuns[l] = limitationRuns.GetValueOrDefault(l) + 1;
                }
                else
                {
                    otherSkips++;
                }

                break;
        }
    }

    /// <summary>
    /// One line per script and per file, the runs each known limitation explained (and those that
    /// explained none), then the closing "N passed, M failed, K skipped".
    /// </summary>
    public void Print(TextWriter output, PeerLimitations limitations)
    {
        output.WriteLine();
        foreach (var (key, t) in scripts)
        {
            output.WriteLine($"tally {key}: {t}");
            if (t.FirstFailure is { } f)
            {
                output.WriteLine($"  first failure: {f}");
            }

            if (t.FirstSkip is { } s)
            {
                output.WriteLine($"  first skip: {s}");
            }
        }

        output.WriteLine();
        foreach (var (key, t) in files)
        {
            output.WriteLine($"file {key}: {t}");
        }

        if (limitations.Entries.Count > 0 || otherSkips > 0)
        {
            output.WriteLine();
            foreach (var l in limitations.Entries.Where(limitationRuns.ContainsKey))
            {
                output.WriteLine($"skipped as peer limitation {l.Id} ({l.Client}): {limitationRuns[l]}");
            }

            var unused = limitations.Entries.Where(l => !limitationRuns.ContainsKey(l)).Select(l => l.Id).ToList();
            if (unused.Count > 0)
            {
                output.WriteLine($"limitations that explained no run: {string.Join(", ", unused)}");
            }

            output.WriteLine($"skipped otherwise (UNIMPLEMENTED, not a listed limitation): {otherSkips}");
        }

        output.WriteLine($"{Passed} passed, {Failed} failed, {Skipped} skipped");
    }

    private static Counts Get(OrderedDictionary<string, Counts> table, string key)
    {
        if (!table.TryGetValue(key, out var t))
        {
            table[key] = t = new Counts();
        }

        return t;
    }

    private sealed class Counts
    {
        public int Passed { get; set; }

        public int Failed { get; set; }

        public int Skipped { get; set; }

        public string? FirstFailure { get; set; }

        public string? FirstSkip { get; set; }

        public override string ToString() => $"{Passed} passed, {Failed} failed, {Skipped} skipped";
    }
}
