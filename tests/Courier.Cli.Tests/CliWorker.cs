using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace Courier.Cli.Tests;

/// <summary>
/// A <c>courier</c> process kept warm to run many commands, one at a time, through the startup hook of
/// Courier.Cli.Worker: the same courier.dll, arguments, environment, exit codes and output as a
/// process per command, without each command's start-up. Commands that are talked to while they run
/// (<c>contact invite</c>, <c>run</c>) or killed still get a process of their own (<see cref="CourierCli.Start"/>).
/// </summary>
internal sealed class CliWorker : IDisposable
{
    private static readonly ConcurrentBag<CliWorker> Idle = [];
    private static readonly string Hook = Path.Combine(AppContext.BaseDirectory, "Courier.Cli.Worker.dll");

    private readonly Process _process;

    private CliWorker()
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        info.ArgumentList.Add(RelayProcess.CourierDll);
        info.Environment["DOTNET_STARTUP_HOOKS"] = Hook;
        info.Environment["COURIER_CLI_WORKER"] = "1";
        _process = Process.Start(info)!;
        _ = _process.StandardError.BaseStream.CopyToAsync(Stream.Null);
    }

    /// <summary>Runs one command in an idle worker (a new one when none is idle); a worker whose command timed out or crashed it is not reused.</summary>
    public static async Task<CliResult> RunAsync(IReadOnlyList<string> args, string passphrase, TimeSpan timeout)
    {
        if (!Idle.TryTake(out var worker))
        {
            worker = new CliWorker();
        }

        var request = JsonSerializer.Serialize(new { Args = args, Passphrase = passphrase });
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await worker._process.StandardInput.WriteLineAsync(request.AsMemory(), deadline.Token);
            await worker._process.StandardInput.FlushAsync(deadline.Token);
            var line = await worker._process.StandardOutput.ReadLineAsync(deadline.Token)
                ?? throw new InvalidOperationException($"the courier worker ended during courier {string.Join(' ', args)} (exit {Exited(worker._process)})");
            var answer = JsonSerializer.Deserialize<Answer>(line)!;
            Idle.Add(worker);
            return new CliResult(answer.Exit, answer.Out, answer.Err);
        }
        catch (OperationCanceledException)
        {
            worker.Dispose();
            throw new TimeoutException($"courier {string.Join(' ', args)} did not finish within {timeout.TotalSeconds} s");
        }
        catch
        {
            worker.Dispose();
            throw;
        }
    }

    private static string Exited(Process process) => process.WaitForExit(5_000) ? process.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : "still running";

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private sealed record Answer(int Exit, string Out, string Err);
}
