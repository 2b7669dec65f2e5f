namespace Courier.Cli.Tests;

/// <summary><c>courier layer create</c> over three mixing relays: their identity keys fetched and printed, or given and checked.</summary>
public sealed class MixLayerCommandTests : IDisposable
{
    private readonly CourierCli _cli = new();

    [Fact]
    public async Task A_layer_of_three_relays_pins_the_keys_they_print_and_a_wrong_count_of_pins_is_a_usage_error()
    {
        var relays = new List<RelayProcess>();
        try
        {
            foreach (var name in new[] { "r1", "r2", "r3" })
            {
                relays.Add(await RelayProcess.StartAsync("--listen", $"127.0.0.1:{RelayProcess.FreePort()}", "--data", _cli.Home(name)));
            }

            await CourierCli.RunOkAsync("init", "--home", _cli.Home("a"));
            string[] relayArgs = [.. relays.SelectMany(r => new[] { "--relay", r.Address.ToString() })];
            var created = await CourierCli.RunOkAsync(["layer", "create", "mixed", .. relayArgs, "--home", _cli.Home("a")]);
            foreach (var relay in relays)
            {
                Assert.Contains($"{relay.Address}: mix identity key {relay.MixIdentityKey}", created.Out, StringComparison.Ordinal);
            }

            Assert.Contains("reached through the mix", created.Out, StringComparison.Ordinal);

            var wrong = await CourierCli.RunAsync(["layer", "create", "other", .. relayArgs, "--mix-pin", relays[0].MixIdentityKey!, "--home", _cli.Home("a")]);
            Assert.Equal(2, wrong.Exit);
            Assert.Contains("--mix-pin", wrong.Err, StringComparison.Ordinal);

            var given = await CourierCli.RunOkAsync(["layer", "create", "given", .. relayArgs, .. relays.SelectMany(r => new[] { "--mix-pin", r.MixIdentityKey! }), "--home", _cli.Home("a")]);
            Assert.DoesNotContain("fetched", given.Out, StringComparison.Ordinal);
            Assert.Contains("reached through the mix", given.Out, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var relay in relays)
            {
                relay.Dispose();
            }
        }
    }

    public void Dispose() => _cli.Dispose();
}
