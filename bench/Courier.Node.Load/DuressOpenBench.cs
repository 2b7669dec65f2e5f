using System.Diagnostics;
using System.Text.Json.Nodes;
using Courier.Node.Storage;

namespace Courier.Node.Load;

/// <summary>
/// <c>--duress-open</c>: how long opening a vault takes (default Argon2id) with the real passphrase,
/// the duress passphrase and a wrong one, in a home with a duress vault and in one without
/// (docs/panic.md, "Duress"): the median of seven opens of each, in milliseconds.
/// </summary>
internal static class DuressOpenBench
{
    public const int Runs = 7;

    public static JsonObject Run(string root)
    {
        const string Real = "the real passphrase", Duress = "the duress passphrase", Wrong = "a wrong passphrase";
        var plain = Path.Combine(root, "plain");
        var withDuress = Path.Combine(root, "with-duress");
        Vault.Create(plain, Real, VaultKdfParameters.Default).Dispose();
        using (var vault = Vault.Create(withDuress, Real, VaultKdfParameters.Default))
        {
            vault.SetDuress(Real, Duress, wipeOnOpen: false);
        }

        var medians = new JsonObject();
        foreach (var (name, home, passphrase) in new[] { ("plain_real", plain, Real), ("plain_wrong", plain, Wrong), ("duress_home_real", withDuress, Real), ("duress_home_decoy", withDuress, Duress), ("duress_home_wrong", withDuress, Wrong) })
        {
            var times = new List<double>();
            for (var i = 0; i < Runs; i++)
            {
                var clock = Stopwatch.StartNew();
                try
                {
                    Vault.Open(home, passphrase).Dispose();
                }
                catch (WrongPassphraseException)
                {
                }

                times.Add(clock.Elapsed.TotalMilliseconds);
            }

            medians[name] = Math.Round(times.Order().ElementAt(Runs / 2), 1);
        }

        return new JsonObject { ["tool"] = "Courier.Node.Load --duress-open", ["nproc"] = Environment.ProcessorCount, ["argon2id"] = "64 MiB, 3 passes", ["runs"] = Runs, ["open_ms_median"] = medians };
    }
}
