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

    public void Dispose() => _cli.Dispose();
}
