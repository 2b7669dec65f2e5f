using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;

namespace Courier.Mls.InteropRunner;

/// <summary>
/// The runs of a script, as the working group's runner makes them (its ScriptMatrix): for each
/// ciphersuite, the clients that support it; for each handshake mode (encrypted first); every
/// assignment of the script's actors to those clients, n^k of them for n clients and k actors,
/// enumerated with the first actor changing slowest ("allCombinations"). When that number is
/// above the limit, or with --random, one assignment drawn at random instead ("random" mode),
/// from a seed derived from --seed and the run's file, script, suite and mode so that it repeats.
/// Assignments that put every actor on a --skip-alone client are left out (a random one is drawn
/// again, and left out when every draw does).
/// </summary>
internal static class AssignmentPlanner
{
    /// <param name="leftOut">Counts the assignments left out by --skip-alone.</param>
    public static IEnumerable<PlannedRun> Plan(string file, Script script, IReadOnlyList<InteropClient> clients, RunnerOptions options, StrongBox<int> leftOut)
    {
        var actors = script.Actors;
        foreach (var suite in options.Suites.Where(suite => options.RunsOn(file, script.Name, suite)))
        {
            var able = clients.Where(c => c.Suites.Contains(suite)).ToList();
            if (able.Count == 0)
            {
                yield return new PlannedRun(file, script, suite, null,
                    new RunOutcome(OutcomeKind.Skipped, $"no client supports ciphersuite {suite}"));
                continue;
            }

            var total = Math.Pow(able.Count, actors.Count);
            foreach (var encrypt in options.HandshakeModes)
            {
                var randomOnly = options.RandomOnly || (options.AllAssignmentSuites.Count > 0 && !options.AllAssignmentSuites.Contains(suite));
                if (randomOnly || total > options.MaxAssignments)
                {
                    var seed = DeriveSeed(options.Seed, file, script.Name, suite, encrypt);
                    var rng = new Random(seed);
                    var combo = actors.Select(_ => rng.Next(able.Count)).ToArray();
                    // Drawn again while it puts every actor on a --skip-alone client; left out when
                    // every draw does (the suite's only client is one, as OpenMLS's suites 2 and 84
                    // leave Courier alone in the OpenMLS pair).
                    for (int draw = 0; draw < MaxDraws && Alone(combo, able, options); draw++)
                    {
                        combo = [.. actors.Select(_ => rng.Next(able.Count))];
                    }

                    if (Alone(combo, able, options))
                    {
                        leftOut.Value++;
                        continue;
                    }

                    yield return new PlannedRun(file, script, suite, Config(suite, encrypt, actors, able, combo, options.Seed), null);
                    continue;
                }

                foreach (var combo in Combinations(able.Count, actors.Count))
                {
                    if (Alone(combo, able, options))
                    {
                        leftOut.Value++;
                        continue;
                    }

                    yield return new PlannedRun(file, script, suite, Config(suite, encrypt, actors, able, combo, null), null);
                }
            }
        }
    }

    /// <summary>Random draws tried for an assignment that does not leave a --skip-alone client alone.</summary>
    private const int MaxDraws = 64;

    /// <summary>True when <paramref name="combo"/> puts every actor on one client that --skip-alone names.</summary>
    private static bool Alone(int[] combo, List<InteropClient> able, RunnerOptions options)
        => options.SkipAlone.Contains(able[combo[0]].Label) && combo.All(c => c == combo[0]);

    private static RunConfiguration Config(uint suite, bool encrypt, IReadOnlyList<string> actors, List<InteropClient> able, int[] combo, int? seed) =>
        new(suite, encrypt, [.. actors.Select((a, i) => KeyValuePair.Create(a, able[combo[i]]))], seed);

    /// <summary>All tuples of <paramref name="slots"/> values below <paramref name="values"/>, the first slot changing slowest.</summary>
    private static IEnumerable<int[]> Combinations(int values, int slots)
    {
        var combo = new int[slots];
        while (true)
        {
            yield return (int[])combo.Clone();
            var i = slots - 1;
            while (i >= 0 && ++combo[i] == values)
            {
                combo[i--] = 0;
            }

            if (i < 0)
            {
                yield break;
            }
        }
    }

    private static int DeriveSeed(int seed, string file, string script, uint suite, bool encrypt)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{seed}/{file}/{script}/{suite}/{encrypt}"));
        return BitConverter.ToInt32(hash, 0);
    }
}
