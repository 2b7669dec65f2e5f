using System.Diagnostics;
using Grpc.Core;

namespace Courier.Mls.InteropRunner;

/// <summary>Entry point: parse the command line, load the scenario files, connect, run, report.</summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        RunnerOptions options;
        List<ScenarioFile> files;
        PeerLimitations limitations;
        try
        {
            options = RunnerOptions.Parse(args);
            if (options.Help)
            {
                Console.WriteLine(RunnerOptions.Usage);
                return 0;
            }

            files = [.. options.ConfigPaths.SelectMany(ScenarioFile.Expand).Select(ScenarioFile.Load)];
            limitations = PeerLimitations.Load(options.LimitationPaths);
        }
        catch (Exception e) when (e is UsageException or ScriptFormatException or IOException)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return 2;
        }

        var clients = new List<InteropClient>();
        try
        {
            for (var i = 0; i < options.Clients.Count; i++)
            {
                InteropClient client;
                try
                {
                    client = await InteropClient.ConnectAsync(i, options.Clients[i], options.CallTimeout, options.ConnectTimeout);
                }
                catch (RpcException e)
                {
                    await Console.Error.WriteLineAsync($"error: cannot use client{i} at {options.Clients[i]}: {e.Status.StatusCode}: {e.Status.Detail}");
                    return 2;
                }

                clients.Add(client);
                Console.WriteLine($"{client.Label} = {client.Address}: {client.Name}, ciphersuites {string.Join(",", client.Suites.Order())}");
            }

            try
            {
                foreach (var label in options.StrictClients)
                {
                    limitations.Exclude(clients.FirstOrDefault(c => c.Label == label)
                        ?? throw new UsageException($"--no-limitations {label}: there are only {clients.Count} clients"));
                }
            }
            catch (UsageException e)
            {
                await Console.Error.WriteLineAsync($"error: {e.Message}");
                return 2;
            }

            var leftOut = new System.Runtime.CompilerServices.StrongBox<int>(0);
            var plan = files
                .SelectMany(f => f.Scripts.Where(s => options.Selects(f.Name, s.Name)).SelectMany(s => AssignmentPlanner.Plan(f.Name, s, clients, options, leftOut)))
                .ToList();
            foreach (var (target, suites) in options.SuiteOnly)
            {
                Console.WriteLine($"{target} runs on suite {string.Join(", ", suites.Order())} only (--suite-only)");
            }

            if (options.SkipAlone.Count > 0)
            {
                Console.WriteLine($"left out {leftOut.Value} assignments that put every actor on {string.Join(" or ", options.SkipAlone)} (--skip-alone)");
            }

            return await RunAsync(plan, options, limitations) ? 0 : 1;
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    /// <summary>Runs the plan, up to --jobs runs at a time, printing each line in plan order; true when nothing failed.</summary>
    private static async Task<bool> RunAsync(List<PlannedRun> plan, RunnerOptions options, PeerLimitations limitations)
    {
        using var gate = new SemaphoreSlim(options.Jobs);
        var seconds = new double[plan.Count];
        async Task<RunOutcome> RunOne(PlannedRun run, int index)
        {
            if (run.Preset is { } preset)
            {
                return preset;
            }

            await gate.WaitAsync();
            long started = Stopwatch.GetTimestamp();
            try
            {
                return await new ScriptRun(run.File, run.Script, run.Config!, options.Suites, limitations, options.ClientIdIdentities).RunAsync();
            }
            finally
            {
                seconds[index] = Stopwatch.GetElapsedTime(started).TotalSeconds;
                gate.Release();
            }
        }

        var tasks = plan.Select((run, index) => RunOne(run, index)).ToList();
        var tally = new Tally();
        for (var i = 0; i < plan.Count; i++)
        {
            var outcome = await tasks[i];
            tally.Add(plan[i], outcome);
            Console.WriteLine($"{plan[i].Label}: {outcome}");
        }

        // Where the run's time went (wall time of each run, --jobs of them at once).
        Console.WriteLine($"longest runs: {string.Join("; ", Enumerable.Range(0, plan.Count).OrderByDescending(i => seconds[i]).Take(8).Select(i => $"{plan[i].Label} {seconds[i]:F1} s"))}");
        tally.Print(Console.Out, limitations);
        return tally.Failed == 0;
    }
}
