namespace Courier.Cli.Tests;

/// <summary><c>courier cell burn</c> and <c>courier cell burned</c> (docs/cells.md, "Burning a cell") against a relay process.</summary>
public sealed class CellBurnCommandTests : CellCliTests
{
    [Fact]
    public async Task A_burn_asks_for_confirmation_removes_the_suspect_and_every_remaining_member_ends_under_a_new_code_name()
    {
        using var relay = await StartRelayAsync();
        var names = await CreateCellAsync(relay.Address.ToString(), ["b", "c"]);
        var help = (await Node("a", "cell", "burn", "--help")).Out;
        Assert.Contains("cannot be undone", help, StringComparison.Ordinal);
        Assert.Contains("--suspect", help, StringComparison.Ordinal);

        // Without --yes and with no terminal to ask on, nothing changes.
        var unconfirmed = await Try("a", "cell", "burn", Cell, "--suspect", names["c"]);
        Assert.Equal(2, unconfirmed.Exit);
        Assert.Contains("--yes", unconfirmed.Err, StringComparison.Ordinal);

        var burn = (await Node("a", "cell", "burn", Cell, "--suspect", names["c"], "--yes")).Out;
        Assert.Contains($"removed: {names["c"]}", burn, StringComparison.Ordinal);
        Assert.Contains($"your code name: {names["a"]} -> ", burn, StringComparison.Ordinal);

        Assert.Contains("burned", (await Node("b", "sync")).Err, StringComparison.Ordinal);
        await Node("a", "sync");
        var (a, b) = (await MembersAsync("a"), await MembersAsync("b"));
        Assert.Equal(a.Members, b.Members);
        Assert.Equal(2, a.Members.Length);
        Assert.Empty(a.Members.Intersect(names.Values));

        var burned = (await Node("b", "cell", "burned", "--json")).Json().EnumerateArray().ToList();
        Assert.Equal(Sorted([.. names.Values]), Sorted([.. burned.Select(e => e.GetProperty("name").GetString()!)]));
        Assert.Equal([names["c"]], burned.Where(e => e.GetProperty("suspect").GetBoolean()).Select(e => e.GetProperty("name").GetString()));
    }
}
