using System.Text.RegularExpressions;

namespace Courier.Cli.Tests;

/// <summary><c>courier authority</c> and <c>courier bulletin publish</c> through the command (issue 15, must-hold 3; the full cases are the node's Council tests).</summary>
public sealed class AuthorityCommandTests : CellCliTests
{
    [Fact]
    public async Task A_council_of_three_creates_an_authority_publishes_a_bulletin_signed_by_two_and_anyone_verifies_it_with_the_key()
    {
        using var relay = await StartRelayAsync();
        await CreateCellAsync(relay.Address.ToString(), ["b", "c"]);
        var created = await Node("a", "authority", "create", "Centre", "--cell", Cell, "--threshold", "2", "--member", ContactName("b"), "--member", ContactName("c"));
        var key = Regex.Match(created.Out, "^authority Centre: key ([0-9a-f]{64}); any 2 of 3 sign").Groups[1].Value;
        Assert.NotEmpty(key);
        await Node("b", "sync");
        var held = (await Node("b", "authority", "list", "--json")).Json()[0];
        Assert.Equal((key, 2, 3), (held.GetProperty("key").GetString(), held.GetProperty("threshold").GetInt32(), held.GetProperty("count").GetInt32()));

        var document = Home("orders.txt");
        await File.WriteAllTextAsync(document, "hold the bridge until dawn");
        var published = await Node("a", "bulletin", "publish", "--authority", "Centre", "--file", document, "--title", "orders 1", "--expires", "7d");
        var request = Regex.Match(published.Out, "^request ([0-9a-f]{32}): bulletin number 1 of Centre").Groups[1].Value;
        Assert.NotEmpty(request);

        // b sees it waiting, approves; the two syncs carry the rounds.
        await Node("b", "sync");
        var waiting = (await Node("b", "authority", "requests", "--json")).Json()[0];
        Assert.Equal((request, "awaiting your approval", "orders 1"), (waiting.GetProperty("id").GetString(), waiting.GetProperty("status").GetString(), waiting.GetProperty("title").GetString()));
        await Node("b", "authority", "approve", request[..8]);
        await Node("a", "sync");
        await Node("b", "sync");
        await Node("a", "sync");
        var done = (await Node("a", "authority", "requests", "--json")).Json()[0];
        Assert.Equal("completed", done.GetProperty("status").GetString());

        var signed = Home("orders-1.bulletin");
        await Node("a", "bulletin", "read", done.GetProperty("bulletin").GetString()![..8], "--file", signed);
        var verified = await CourierCli.RunOkAsync("bulletin", "verify", signed, "--key", key);
        Assert.Contains("genuine: every check passed", verified.Out, StringComparison.Ordinal);

        var unknown = await Try("c", "bulletin", "publish", "--authority", "Nobody", "--file", document);
        Assert.Equal(1, unknown.Exit);
        Assert.Contains("error (unknown_authority)", unknown.Err, StringComparison.Ordinal);
    }
}
