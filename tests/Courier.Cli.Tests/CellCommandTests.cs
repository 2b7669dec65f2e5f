using System.Security.Cryptography;

namespace Courier.Cli.Tests;

/// <summary>Cells through the <c>courier</c> command: delivery, removal, liaisons between layers, bad input.</summary>
public sealed class CellCommandTests : CellCliTests
{
    [Fact]
    public async Task A_cell_delivers_texts_and_files_to_its_members_and_nothing_to_a_contact_outside_it()
    {
        using var relay = await StartRelayAsync();
        var url = relay.Address.ToString();
        var names = await CreateCellAsync(url, ["b", "c"], outside: ["d"]);

        await Node("b", "send", Cell, "hello from b");
        var file = Path.Combine(Cli.Root, "report.bin");
        await File.WriteAllBytesAsync(file, RandomNumberGenerator.GetBytes(200_000));
        await Node("c", "send", Cell, "--file", file);
        await Each(["a", "b", "c"], m => Node(m, "sync"));

        var forA = await ReadAsync("a", Cell, save: true);
        Assert.Equal(2, forA.Count);
        Assert.Single(forA, m => m.Sender == names["b"] && m.Text == "hello from b");
        Assert.Single(forA, m => m.Sender == names["c"] && m is { File: "report.bin", Size: 200_000 });
        Assert.Equal(await File.ReadAllBytesAsync(file), await File.ReadAllBytesAsync(Path.Combine(Saved("a"), "report.bin")));

        var forB = await ReadAsync("b", Cell, save: true);
        Assert.Equal((names["c"], "report.bin"), (Assert.Single(forB).Sender, forB[0].File));
        Assert.Equal(await File.ReadAllBytesAsync(file), await File.ReadAllBytesAsync(Path.Combine(Saved("b"), "report.bin")));

        var forC = await ReadAsync("c", Cell);
        Assert.Equal((names["b"], "hello from b"), (Assert.Single(forC).Sender, forC[0].Text));

        // Syncing again stores nothing twice.
        await Node("a", "sync");
        Assert.Equal(2, (await InboxAsync("a")).Count);

        // D is A's contact but not in the cell: nothing to read, no cell.
        Assert.DoesNotContain("joined", (await Node("d", "sync")).Out);
        Assert.Empty(await InboxAsync("d"));
        Assert.Equal(0, (await Node("d", "cell", "list", "--json")).Json().GetArrayLength());
    }

    [Fact]
    public async Task A_removed_member_reads_nothing_sent_after_and_a_member_who_leaves_is_removed_on_the_next_sync()
    {
        using var relay = await StartRelayAsync();
        var url = relay.Address.ToString();
        var names = await CreateCellAsync(url, ["b", "c"]);
        await Node("a", "send", Cell, "before the removal");
        await Each(["b", "c"], m => Node(m, "sync"));

        await Node("a", "cell", "remove", Cell, names["c"]);
        Assert.Equal(Sorted(names["a"], names["b"]), (await MembersAsync("a")).Members);
        Assert.Contains($"removed from cell {Cell}", (await Node("c", "sync")).Out);
        var cList = Assert.Single((await Node("c", "cell", "list", "--json")).Json().EnumerateArray());
        Assert.False(cList.GetProperty("member").GetBoolean());
        Assert.False((await MembersAsync("c")).Member);

        await Node("a", "send", Cell, "after the removal");
        await Each(["b", "c"], m => Node(m, "sync"));
        Assert.Equal(["before the removal", "after the removal"], (await ReadAsync("b", Cell)).Select(m => m.Text));
        Assert.Equal(["before the removal"], (await InboxAsync("c")).Select(m => m.Text));
        var send = await Try("c", "send", Cell, "still here?");
        Assert.Equal(1, send.Exit);
        Assert.Contains("not_a_member", send.Err);

        // B leaves: A's next sync removes B, and B's node forgets the cell.
        Assert.Contains($"left {Cell}", (await Node("b", "cell", "leave", Cell)).Out);
        Assert.False((await MembersAsync("b")).Member);
        await Node("a", "sync");
        var a = await MembersAsync("a");
        Assert.Equal([names["a"]], a.Members);
        Assert.True(a.Member);
        Assert.Equal(["before the removal", "after the removal"], (await InboxAsync("b")).Select(m => m.Text));
    }

    [Fact]
    public async Task A_liaison_forwards_a_message_from_one_layer_into_a_cell_of_the_other()
    {
        using var first = await StartRelayAsync("relay1");
        using var second = await StartRelayAsync("relay2");
        var (url1, url2) = (first.Address.ToString(), second.Address.ToString());
        await Each(["l", "x", "y"], m => Node(m, "init"));
        await Cli.FirstContactAsync(url1, "l", "Starik", "x", "Anna", "one two three");
        await Cli.FirstContactAsync(url2, "l", "Ded", "y", "Boris", "four five six");
        await Node("l", "layer", "create", "one", "--relay", url1);
        await Node("l", "layer", "create", "two", "--relay", url2);
        await Node("l", "cell", "create", "north", "--layer", "one");
        await Node("l", "cell", "add", "north", "Anna");
        await Node("l", "cell", "create", "south", "--layer", "two");
        await Node("l", "cell", "add", "south", "Boris");
        Assert.Contains("joined cell north", (await Node("x", "sync")).Out);
        Assert.Contains("joined cell south", (await Node("y", "sync")).Out);

        // Each layer's cell uses its own relay.
        var cells = (await Node("l", "cell", "list", "--json")).Json().EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => (c.GetProperty("layer").GetString(), c.GetProperty("relay").GetString()));
        Assert.Equal(("one", url1), cells["north"]);
        Assert.Equal(("two", url2), cells["south"]);

        await Node("x", "send", "north", "from layer one");
        await Node("l", "sync");
        var received = Assert.Single(await InboxAsync("l"));
        Assert.Equal(("north", "from layer one", (string?)null), (received.Cell, received.Text, received.ForwardedFrom));

        Assert.Contains("forwarded", (await Node("l", "forward", received.Id, "--to", "south")).Out);
        await Node("y", "sync");
        var forwarded = Assert.Single(await ReadAsync("y", "south"));
        Assert.Equal("from layer one", forwarded.Text);
        Assert.Equal("another layer", forwarded.ForwardedFrom);
        Assert.Equal((await MembersAsync("l", "south")).You, forwarded.Sender);

        // Nothing new in layer one: neither the sender nor the liaison received anything more.
        await Each(["x", "l"], m => Node(m, "sync"));
        Assert.Empty(await InboxAsync("x"));
        Assert.Single(await InboxAsync("l"));
    }

    [Fact]
    public async Task Bad_input_fails_with_one_line_and_an_exit_code()
    {
        using var relay = await StartRelayAsync();
        var url = relay.Address.ToString();
        await Each(["a", "b"], m => Node(m, "init"));

        var unknownCell = await Try("a", "send", "nowhere", "hello");
        Assert.Equal(1, unknownCell.Exit);
        Assert.Contains("unknown_cell", unknownCell.Err);
        Assert.Single(unknownCell.Err.Trim().Split('\n'));
        Assert.Contains("unknown_cell", (await Try("a", "cell", "members", "nowhere")).Err);
        Assert.Contains("unknown_cell", (await Try("a", "read", "nowhere")).Err);

        Assert.Equal(2, (await Try("a", "send", "nowhere")).Exit);
        Assert.Equal(2, (await Try("a", "send", "nowhere", "text", "--file", "whatever.bin")).Exit);
        var badBind = await Try("a", "sync", "--bind", "here");
        Assert.Equal(2, badBind.Exit);
        Assert.Contains("'here' is not an IP address", badBind.Err, StringComparison.Ordinal);

        var unknownMessage = await Try("a", "forward", "0123456789ab", "--to", "nowhere");
        Assert.Equal(1, unknownMessage.Exit);
        Assert.Contains("unknown_message", unknownMessage.Err);

        // B gave A three KeyPackages at first contact: a fourth cell must wait for B's next sync.
        await Cli.FirstContactAsync(url, "a", "Starik", "b", "Alyosha", "one two three");
        await Node("a", "layer", "create", "one", "--relay", url);
        for (var i = 1; i <= 3; i++)
        {
            await Node("a", "cell", "create", $"cell{i}");
            await Node("a", "cell", "add", $"cell{i}", "Alyosha");
        }

        await Node("a", "cell", "create", "cell4");
        var noKeyPackage = await Try("a", "cell", "add", "cell4", "Alyosha");
        Assert.Equal(1, noKeyPackage.Exit);
        Assert.Contains("no_key_package", noKeyPackage.Err);

        var unknownMember = await Try("a", "cell", "remove", "cell1", "Nobody");
        Assert.Equal(1, unknownMember.Exit);
        Assert.Contains("unknown_contact", unknownMember.Err);

        // B joins the three cells and sends a fresh KeyPackage for each: the fourth add works.
        var joined = (await Node("b", "sync")).Out;
        Assert.All(new[] { "cell1", "cell2", "cell3" }, c => Assert.Contains($"joined cell {c}", joined));
        await Node("a", "sync");
        await Node("a", "cell", "add", "cell4", "Alyosha");
        Assert.Contains("joined cell cell4", (await Node("b", "sync")).Out);

        // A text too large for one envelope is refused before it is stored: the cell stays usable.
        var tooLarge = await Try("a", "send", "cell1", new string('x', 70_000));
        Assert.Equal(1, tooLarge.Exit);
        Assert.Contains("error (message_too_large)", tooLarge.Err);
        await Node("a", "sync");
        await Node("a", "send", "cell1", "a short one");
        await Node("b", "sync");
        Assert.Equal("a short one", Assert.Single(await ReadAsync("b", "cell1")).Text);
    }
}
