using System.Diagnostics;
using System.Text.Json;

namespace Courier.Cli.Tests;

/// <summary>What a <c>courier</c> process printed, and its exit code.</summary>
public sealed record CliResult(int Exit, string Out, string Err)
{
    /// <summary>Stdout as JSON.</summary>
    public JsonElement Json() => JsonDocument.Parse(Out).RootElement.Clone();
}

/// <summary>
/// The built <c>courier</c> command (<c>dotnet courier.dll</c>): commands that run to their end in warm
/// worker processes, those a test talks to while they run as processes of their own; node homes under
/// one temporary directory that <see cref="Dispose"/> deletes.
/// </summary>
public sealed class CourierCli : IDisposable
{
    public const string Passphrase = "correct horse";

    /// <summary>What <c>init</c> gets unless a test gives its own Argon2id cost.</summary>
    public static readonly string[] CheapArgon2 = ["--argon2-memory", "1", "--argon2-passes", "1"];

    // A command that hangs fails its test instead of the whole run.
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    private readonly string _root = Directory.CreateTempSubdirectory("courier-cli-").FullName;

    public string Root => _root;

    public string Home(string name) => Path.Combine(_root, name);

    public static Task<CliResult> RunAsync(params string[] args) => RunAsync(args, Passphrase);

    // COURIER_CLI_PROCESSES=1: every command a process of its own, as before the workers (to compare, or to rule them out).
    private static readonly bool ProcessPerCommand = Environment.GetEnvironmentVariable("COURIER_CLI_PROCESSES") == "1";

    /// <summary>Runs one command to its end in a warm <c>courier</c> worker process (<see cref="CliWorker"/>).</summary>
    public static async Task<CliResult> RunAsync(IReadOnlyList<string> args, string passphrase)
    {
        if (!ProcessPerCommand)
        {
            return await CliWorker.RunAsync(WithCheapArgon2(args), passphrase, Timeout);
        }

        using var process = Start(args, passphrase);
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await WaitAsync(process, args);
        return new CliResult(process.ExitCode, await output, await errors);
    }

    /// <summary>Runs the command and asserts that it succeeded.</summary>
    public static async Task<CliResult> RunOkAsync(params string[] args)
    {
        var result = await RunAsync(args);
        Assert.True(result.Exit == 0, $"courier {string.Join(' ', args)} exited {result.Exit}: {result.Err}");
        return result;
    }

    public static Process Start(IReadOnlyList<string> args, string passphrase = Passphrase)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        info.ArgumentList.Add(RelayProcess.CourierDll);
        foreach (var arg in WithCheapArgon2(args))
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["COURIER_PASSPHRASE"] = passphrase;
        return Process.Start(info)!;
    }

    // Vaults made here stretch the passphrase with Argon2id's cheapest cost, which each later
    // command pays again: at the default it was a third of every command's time. The default
    // itself is checked by CourierCommandTests.Init_keeps_the_Argon2id_cost_it_was_given.
    private static IReadOnlyList<string> WithCheapArgon2(IReadOnlyList<string> args)
        => args is ["init", ..] && !args.Any(arg => arg.StartsWith("--argon2", StringComparison.Ordinal)) ? [.. args, .. CheapArgon2] : args;

    /// <summary>Waits for a started process; kills it and fails when it runs too long.</summary>
    public static async Task WaitAsync(Process process, IReadOnlyList<string> args)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"courier {string.Join(' ', args)} did not exit within {Timeout.TotalSeconds} s");
        }
    }

    /// <summary>
    /// First contact between two homes: the inviter (known as <paramref name="inviterName"/>) and the
    /// acceptor (known as <paramref name="acceptorName"/>). Returns the fingerprint each side printed.
    /// </summary>
    public async Task<(string AtInviter, string AtAcceptor)> FirstContactAsync(string url, string inviter, string inviterName, string acceptor, string acceptorName, string? phrase)
    {
        var (invite, code) = await StartInviteAsync(url, inviter, inviterName, phrase);
        using (invite)
        {
            var accept = await RunAsync("contact", "accept", code, "--home", Home(acceptor), "--relay", url, "--code-name", acceptorName);
            Assert.True(accept.Exit == 0, accept.Err);
            Assert.Contains($"added contact {inviterName}", accept.Out);
            var output = invite.StandardOutput.ReadToEndAsync();
            await WaitAsync(invite, ["contact", "invite"]);
            Assert.Equal(0, invite.ExitCode);
            var inviteOut = await output;
            Assert.Contains($"added contact {acceptorName}", inviteOut);
            return (PrintedFingerprint(inviteOut), PrintedFingerprint(accept.Out));
        }
    }

    /// <summary>The fingerprint of the <c>fingerprint: ...</c> line of a first contact's output.</summary>
    private static string PrintedFingerprint(string output)
    {
        var line = Assert.Single(output.Split('\n'), l => l.StartsWith("fingerprint: ", StringComparison.Ordinal));
        var fingerprint = line["fingerprint: ".Length..].Trim();
        Assert.Matches(@"^\d{5}( \d{5}){5}$", fingerprint);
        return fingerprint;
    }

    /// <summary>Starts <c>contact invite</c> and returns the process, waiting, with the code it printed.</summary>
    public async Task<(Process Invite, string Code)> StartInviteAsync(string url, string home, string? codeName, string? phrase)
    {
        List<string> args = ["contact", "invite", "--home", Home(home), "--relay", url];
        if (codeName is not null)
        {
            args.AddRange(["--code-name", codeName]);
        }

        if (phrase is not null)
        {
            args.AddRange(["--phrase", phrase]);
        }

        var invite = Start(args);
        var line = await invite.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException(await invite.StandardError.ReadToEndAsync());
        Assert.StartsWith("code: ", line);
        return (invite, line["code: ".Length..]);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
