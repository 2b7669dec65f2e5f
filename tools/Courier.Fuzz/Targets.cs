namespace Courier.Fuzz;

/// <summary>Every fuzz target, by name, and the seeds the corpus is generated from.</summary>
public static class Targets
{
    /// <summary>All targets, one per parser family.</summary>
    public static IReadOnlyList<FuzzTarget> All { get; } = [.. MlsTargets.All, .. NodeTargets.All, .. RelayTargets.All, .. CoverTargets.All, .. FrostTargets.All];

    /// <summary>The target named <paramref name="name"/>, or null.</summary>
    public static FuzzTarget? Find(string name) => All.FirstOrDefault(t => t.Name == name);

    /// <summary>Real encodings for each target's seed corpus: (target, file name, bytes).</summary>
    public static IEnumerable<(string Target, string Name, byte[] Bytes)> Seeds(string repositoryRoot)
        => MlsTargets.Seeds(repositoryRoot).Concat(NodeTargets.Seeds()).Concat(RelayTargets.Seeds()).Concat(FrostTargets.Seeds());
}
