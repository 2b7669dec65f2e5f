namespace Courier.Cli.Tests;

/// <summary><c>courier cell retention</c> (docs/panic.md, "Disappearing messages"): set by any member, shown to all by <c>cell list</c>, applied by each.</summary>
public sealed class RetentionCommandTests : CellCliTests
{
    [Fact]
    public async Task A_retention_set_by_a_member_is_shown_to_all_and_each_member_deletes_what_is_older()
    {
        using var relay = await StartRelayAsync();
        var names = await CreateCellAsync(relay.Address.ToString(), ["b", "c"]);

        Assert.Contains("kept for 2s", (await Node("b", "cell", "retention", Cell, "2s")).Out, StringComparison.Ordinal);
        await Each(["a", "c"], m => Node(m, "sync"));
        foreach (var home in new[] { "a", "b", "c" })
        {
            var cell = Assert.Single((await Node(home, "cell", "list", "--json")).Json().EnumerateArray());
            Assert.Equal((2, names["b"]), (cell.GetProperty("retention_seconds").GetInt64(), cell.GetProperty("retention_set_by").GetString()));
            Assert.Contains("2s", (await Node(home, "cell", "list")).Out, StringComparison.Ordinal);
        }

        await Node("a", "send", Cell, "gone in two seconds");
        await Node("c", "sync");
        Assert.Contains("gone in two seconds", (await Node("b", "sync")).Out, StringComparison.Ordinal);
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Empty(await InboxAsync("b"));
        Assert.Empty(await InboxAsync("c"));

        // Off again: what arrives now stays.
        await Node("c", "cell", "retention", Cell, "off");
        await Each(["a", "b"], m => Node(m, "sync"));
        await Node("a", "send", Cell, "kept");
        await Node("b", "sync");
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(["kept"], (await InboxAsync("b")).Select(m => m.Text));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, Assert.Single((await Node("b", "cell", "list", "--json")).Json().EnumerateArray()).GetProperty("retention_seconds").ValueKind);

        var bad = await Try("a", "cell", "retention", Cell, "10 years");
        Assert.Equal(2, bad.Exit);
        Assert.Contains("is not a retention", bad.Err, StringComparison.Ordinal);
    }
}
