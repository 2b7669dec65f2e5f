namespace Courier.Cli.Tests;

/// <summary><c>courier panic</c> (docs/panic.md): it needs no passphrase, and a running <c>courier run</c> of the home stops.</summary>
public sealed class PanicCommandTests : IDisposable
{
    private readonly CourierCli _cli = new();

    [Fact]
    public async Task Panic_destroys_the_vault_without_the_passphrase_and_a_running_node_of_the_home_stops()
    {
        var home = _cli.Home("a");
        await CourierCli.RunOkAsync("init", "--home", home);
        using var run = CourierCli.Start(["run", "--home", home]);
        var output = run.StandardOutput.ReadToEndAsync();
        Assert.Equal("syncing; Ctrl+C stops", await run.StandardError.ReadLineAsync());

        var panic = await CourierCli.RunAsync(["panic", "--home", home], passphrase: string.Empty);
        Assert.Equal(0, panic.Exit);
        Assert.Contains("destroyed the vault", panic.Out, StringComparison.Ordinal);

        await CourierCli.WaitAsync(run, ["run"]);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error (vault_destroyed)", await run.StandardError.ReadToEndAsync(), StringComparison.Ordinal);
        await output;
        Assert.Equal(["courier.lock"], Directory.GetFiles(home).Select(Path.GetFileName));

        var open = await CourierCli.RunAsync("inbox", "--home", home);
        Assert.Equal(1, open.Exit);
        Assert.Contains("error (vault_not_found)", open.Err, StringComparison.Ordinal);
        Assert.Contains("held no vault key", (await CourierCli.RunOkAsync("panic", "--home", home)).Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Init_with_duress_and_duress_set_give_a_decoy_that_the_duress_passphrase_opens()
    {
        var home = _cli.Home("b");
        var init = await RunWithDuressAsync(["init", "--home", home, "--duress"], "a decoy passphrase");
        Assert.Equal(0, init.Exit);
        Assert.Contains("duress passphrase set", init.Out, StringComparison.Ordinal);
        await CourierCli.RunOkAsync("layer", "create", "north", "--relay", "http://127.0.0.1:9", "--home", home);

        // The decoy is prepared by using courier with its passphrase.
        Assert.Equal(0, (await CourierCli.RunAsync(["layer", "create", "chess-club", "--relay", "http://127.0.0.1:9", "--home", home], "a decoy passphrase")).Exit);
        Assert.Contains("chess-club", (await CourierCli.RunAsync(["layer", "list", "--home", home], "a decoy passphrase")).Out, StringComparison.Ordinal);
        var real = (await CourierCli.RunOkAsync("layer", "list", "--home", home)).Out;
        Assert.Contains("north", real, StringComparison.Ordinal);
        Assert.DoesNotContain("chess-club", real, StringComparison.Ordinal);

        // Set again, with --wipe: the old decoy is gone, and opening the new one destroys the real vault.
        Assert.Equal(0, (await RunWithDuressAsync(["duress", "set", "--wipe", "--home", home], "a second decoy")).Exit);
        Assert.DoesNotContain("north", (await CourierCli.RunAsync(["layer", "list", "--home", home], "a second decoy")).Out, StringComparison.Ordinal);
        var wiped = await CourierCli.RunAsync("layer", "list", "--home", home);
        Assert.Equal(1, wiped.Exit);
        Assert.Contains("error (wrong_passphrase)", wiped.Err, StringComparison.Ordinal);
        Assert.Equal(2, (await CourierCli.RunAsync("init", "--home", _cli.Home("c"), "--wipe")).Exit);
        Assert.False(Directory.Exists(_cli.Home("c")));
    }

    private static async Task<CliResult> RunWithDuressAsync(string[] args, string duress)
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, duress + "\n");
            return await CourierCli.RunAsync([.. args, "--duress-passphrase-file", file]);
        }
        finally
        {
            File.Delete(file);
        }
    }

    public void Dispose() => _cli.Dispose();
}
