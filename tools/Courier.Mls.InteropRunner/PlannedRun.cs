namespace Courier.Mls.InteropRunner;

/// <summary>
/// One line of the output to come: a script under one configuration, or a script and suite that
/// cannot run at all (<see cref="Preset"/> says why).
/// </summary>
internal sealed record PlannedRun(string File, Script Script, uint Suite, RunConfiguration? Config, RunOutcome? Preset)
{
    /// <summary>Actor lists longer than this are summarised by count per client.</summary>
    private const int MaxListedActors = 16;

    /// <summary>"&lt;file&gt; &lt;script&gt; suite=&lt;n&gt; handshake=&lt;mode&gt; actors=&lt;A=client0,...&gt;".</summary>
    public string Label
    {
        get
        {
            if (Config is null)
            {
                return $"{File} {Script.Name} suite={Suite} handshake=- actors=-";
            }

            var handshake = Config.EncryptHandshake ? "private" : "public";
            var actors = Config.Assignment.Count <= MaxListedActors
                ? string.Join(",", Config.Assignment.Select(a => $"{a.Key}={a.Value.Label}"))
                : "{" + $"{Config.Assignment.Count} actors, "
                    + string.Join(", ", Config.Assignment.GroupBy(a => a.Value.Label).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} on {g.Key}"))
                    + "}";
            var random = Config.RandomSeed is { } seed ? $" random-seed={seed}" : "";
            return $"{File} {Script.Name} suite={Suite} handshake={handshake} actors={actors}{random}";
        }
    }
}
