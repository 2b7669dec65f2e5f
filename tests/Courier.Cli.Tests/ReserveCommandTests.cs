using System.Text.RegularExpressions;

namespace Courier.Cli.Tests;

/// <summary><c>courier reserve</c> through the command (issue 16, must-hold 3; the full case is ReserveActivationTests).</summary>
public sealed class ReserveCommandTests : CellCliTests
{
    [Fact]
    public async Task A_founder_designates_a_reserve_of_three_is_destroyed_and_two_members_take_the_layer_over()
    {
        using var relay = await StartRelayAsync();
        await CreateCellAsync(relay.Address.ToString(), ["b", "c", "d"]);
        var designated = await Node("a", "reserve", "designate", Cell, "--layer", "one", "--threshold", "2", "--member", ContactName("b"), "--member", ContactName("c"), "--member", ContactName("d"));
        var id = Regex.Match(designated.Out, "^reserve ([0-9a-f]{32}): any 2 of 3 ").Groups[1].Value;
        Assert.NotEmpty(id);
        await Each(["b", "c"], m => Node(m, "sync"));
        var listed = (await Node("b", "reserve", "list", "--json")).Json()[0];
        Assert.Equal((id, 2, 3, 1), (listed.GetProperty("id").GetString(), listed.GetProperty("threshold").GetInt32(), listed.GetProperty("count").GetInt32(), listed.GetProperty("number").GetInt32()));
        await Node("a", "panic");

        var alone = await Try("b", "reserve", "activate", id);
        Assert.Equal(1, alone.Exit);
        Assert.Contains("error (too_few_shares): This reserve needs 2 shares", alone.Err, StringComparison.Ordinal);
        Assert.Contains("the member with share 1 makes the new cell", (await Node("c", "reserve", "activate", id)).Out, StringComparison.Ordinal);
        Assert.Contains("cell one-reserve: the layer's new cell", (await Node("b", "reserve", "activate", id)).Out, StringComparison.Ordinal);
        Assert.Contains("cell one-reserve: the layer's new cell", (await Node("c", "reserve", "activate", id)).Out, StringComparison.Ordinal);
        Assert.Equal(2, (await MembersAsync("c", "one-reserve")).Members.Length);
    }
}
