using System.Buffers.Binary;
using System.Text.Json;

namespace Courier.Cli.Tests;

/// <summary>The <c>courier</c> command as a binary, against a real relay process.</summary>
public sealed class CourierCommandTests : IDisposable
{
    private readonly CourierCli _cli = new();

    [Fact]
    public async Task First_contact_by_phrase_and_an_introduction_through_a_real_relay()
    {
        using var relay = await RelayProcess.StartAsync("--listen", $"127.0.0.1:{RelayProcess.FreePort()}", "--data", Home("relay"));
        var url = relay.Address.ToString();
        foreach (var home in new[] { "a", "b", "c" })
        {
            Assert.Equal(0, (await CourierCli.RunAsync("init", "--home", Home(home))).Exit);
        }

        var (abAtA, abAtB) = await _cli.FirstContactAsync(url, "a", "Starik", "b", "Alyosha", "greetings from Galya");
        var (acAtA, acAtC) = await _cli.FirstContactAsync(url, "a", "Ded", "c", "Galya", null);

        // Both sides of a first contact print the same fingerprint, another contact another one, and the list shows them.
        Assert.Equal(abAtA, abAtB);
        Assert.Equal(acAtA, acAtC);
        Assert.NotEqual(abAtA, acAtA);
        Assert.Equal([abAtA, acAtA], Fingerprints(await CourierCli.RunOkAsync("contact", "list", "--json", "--home", Home("a"))));
        Assert.Equal([abAtB], Fingerprints(await CourierCli.RunOkAsync("contact", "list", "--json", "--home", Home("b"))));
        Assert.Contains(abAtA, (await CourierCli.RunOkAsync("contact", "list", "--home", Home("a"))).Out);

        Assert.Equal(0, (await CourierCli.RunAsync("contact", "introduce", "Alyosha", "Galya", "--home", Home("a"))).Exit);
        foreach (var home in new[] { "b", "c", "b" })
        {
            Assert.Equal(0, (await CourierCli.RunAsync("contact", "receive", "--home", Home(home))).Exit);
        }

        var list = await CourierCli.RunAsync("contact", "list", "--json", "--home", Home("b"));
        var contacts = JsonDocument.Parse(list.Out).RootElement.EnumerateArray().ToList();
        Assert.Equal(2, contacts.Count);
        Assert.Equal("Starik", contacts[0].GetProperty("code_name").GetString());
        Assert.Equal(JsonValueKind.Null, contacts[0].GetProperty("introduced_by").ValueKind);
        Assert.Equal("Starik", contacts[1].GetProperty("introduced_by").GetString());

        // The contact made by introduction has one fingerprint too, the same on both sides.
        var galyaAtB = contacts[1].GetProperty("fingerprint").GetString();
        Assert.Contains(galyaAtB, Fingerprints(await CourierCli.RunOkAsync("contact", "list", "--json", "--home", Home("c"))));
    }

    [Fact]
    public async Task Init_keeps_the_Argon2id_cost_it_was_given()
    {
        // Each init is given one of the two values, so the other is the default (64 MiB, 3 passes).
        await CourierCli.RunOkAsync("init", "--home", Home("a"), "--argon2-passes", "3");
        await CourierCli.RunOkAsync("init", "--home", Home("b"), "--argon2-memory", "2");
        Assert.Equal((64 * 1024u, 3u), Argon2Cost("a"));
        Assert.Equal((2 * 1024u, 3u), Argon2Cost("b"));
        await CourierCli.RunOkAsync("contact", "list", "--home", Home("b"));

        var refused = await CourierCli.RunAsync("init", "--home", Home("c"), "--argon2-memory", "0");
        Assert.Equal(2, refused.Exit);
        Assert.Contains("--argon2-memory must be between 1 and 4096 MiB", refused.Err);
        Assert.False(Directory.Exists(Home("c")));
    }

    // vault.key: magic (8) | format u16 | kdf u8 | memory_kib u32 | passes u32, big-endian (docs/node.md).
    private (uint MemoryKiB, uint Passes) Argon2Cost(string home)
    {
        var header = File.ReadAllBytes(Path.Combine(Home(home), "vault.key"));
        return (BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(11)), BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(15)));
    }

    [Fact]
    public async Task A_wrong_code_fails_both_sides_and_stores_nothing()
    {
        using var relay = await RelayProcess.StartAsync("--listen", $"127.0.0.1:{RelayProcess.FreePort()}", "--data", Home("relay"));
        var url = relay.Address.ToString();
        await CourierCli.RunAsync("init", "--home", Home("a"));
        await CourierCli.RunAsync("init", "--home", Home("b"));
        var (invite, code) = await _cli.StartInviteAsync(url, "a", null, null);
        var accept = await CourierCli.RunAsync("contact", "accept", code.Split('-')[0] + "-not-the-words", "--home", Home("b"), "--relay", url);
        await invite.WaitForExitAsync();

        Assert.Equal(1, accept.Exit);
        Assert.Contains("wrong_code", accept.Err);
        Assert.Equal(1, invite.ExitCode);
        Assert.Contains("wrong_code", await invite.StandardError.ReadToEndAsync());
        Assert.Equal("[]", (await CourierCli.RunAsync("contact", "list", "--json", "--home", Home("a"))).Out.Trim());
        Assert.Equal("[]", (await CourierCli.RunAsync("contact", "list", "--json", "--home", Home("b"))).Out.Trim());
    }

    [Fact]
    public async Task Bad_input_gives_one_line_and_a_non_zero_exit()
    {
        await CourierCli.RunAsync("init", "--home", Home("a"));
        var wrongPassphrase = await CourierCli.RunAsync(["contact", "list", "--home", Home("a")], passphrase: "not it");
        Assert.Equal((1, 1), (wrongPassphrase.Exit, wrongPassphrase.Err.Trim().Split('\n').Length));
        Assert.Contains("wrong_passphrase", wrongPassphrase.Err);

        var unreachable = await CourierCli.RunAsync("contact", "accept", "12-a-b-c", "--home", Home("a"), "--relay", $"http://127.0.0.1:{RelayProcess.FreePort()}");
        Assert.Equal(1, unreachable.Exit);
        Assert.Contains("relay_unreachable", unreachable.Err);

        var unknown = await CourierCli.RunAsync("contact", "introduce", "Nobody", "Noone", "--home", Home("a"));
        Assert.Equal(1, unknown.Exit);
        Assert.Contains("unknown_contact", unknown.Err);

        Assert.Equal(2, (await CourierCli.RunAsync("contact", "accept", "1-x", "--home", Home("a"), "--relay", "not-a-url")).Exit);

        // A cluster store with one replica is refused unless asked for explicitly (checked before connecting).
        var single = await CourierCli.RunAsync("relay", "serve", "--store", "nats", "--nats", $"nats://127.0.0.1:{RelayProcess.FreePort()}", "--replicas", "1");
        Assert.Equal(2, single.Exit);
        Assert.Contains("--allow-single-replica", single.Err);
    }

    public void Dispose() => _cli.Dispose();

    private static List<string?> Fingerprints(CliResult list)
        => list.Json().EnumerateArray().Select(c => c.GetProperty("fingerprint").GetString()).ToList();

    private string Home(string name) => _cli.Home(name);
}
