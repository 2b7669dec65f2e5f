namespace Courier.Cli.Tests;

/// <summary>
/// <c>courier exposure</c> through the command (issue 16, must-hold 1): a liaison in a cell of each of
/// two layers, on two relay processes, is shown its two cells with their members, both layers, its
/// contacts and its own liaison link, and none of the names of a cell it is not in.
/// </summary>
public sealed class ExposureCommandTests : CellCliTests
{
    [Fact]
    public async Task Exposure_lists_the_liaisons_cells_layers_contacts_and_links_and_nothing_of_other_cells()
    {
        using var first = await StartRelayAsync("relay1");
        using var second = await StartRelayAsync("relay2");
        var (url1, url2) = (first.Address.ToString(), second.Address.ToString());
        await Each(["l", "x", "y", "z"], m => Node(m, "init"));
        await Cli.FirstContactAsync(url1, "x", "Starik", "l", "Anna", "one two three");
        await Cli.FirstContactAsync(url1, "x", "Starik", "z", "Zoya", "seven eight nine");
        await Cli.FirstContactAsync(url2, "y", "Ded", "l", "Boris", "four five six");
        await Node("x", "layer", "create", "one", "--relay", url1);
        await Node("y", "layer", "create", "two", "--relay", url2);
        await Node("x", "cell", "create", "north", "--layer", "one");
        await Node("x", "cell", "add", "north", "Anna");
        await Node("x", "cell", "create", "hidden", "--layer", "one");
        await Node("x", "cell", "add", "hidden", "Zoya");
        await Node("y", "cell", "create", "south", "--layer", "two");
        await Node("y", "cell", "add", "south", "Boris");
        await Each(["l", "z"], m => Node(m, "sync"));
        await Node("x", "send", "north", "one note");
        await Node("l", "sync");

        var report = (await Node("l", "exposure", "--json")).Json();
        var north = await MembersAsync("x", "north");
        var south = await MembersAsync("y", "south");
        var cells = report.GetProperty("cells").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("members").EnumerateArray().Select(m => m.GetString()!).Order().ToArray());
        Assert.Equal(["north", "south"], cells.Keys.Order());
        Assert.Equal(north.Members.Order(), cells["north"]);
        Assert.Equal(south.Members.Order(), cells["south"]);
        Assert.Equal([url1, url2], report.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("relays")[0].GetString()!).Order());
        Assert.Equal(["Ded", "Starik"], report.GetProperty("contacts").EnumerateArray().Select(c => c.GetProperty("name").GetString()!).Order());
        Assert.Equal(2, report.GetProperty("liaisons").GetArrayLength());
        Assert.Equal(0, report.GetProperty("bulletins").GetProperty("authorities").GetArrayLength());
        Assert.Equal(1, report.GetProperty("history").GetProperty("messages").GetInt32());

        var names = report.GetProperty("code_names").EnumerateArray().Select(n => n.GetProperty("name").GetString()!).ToHashSet();
        Assert.Superset(north.Members.Concat(south.Members).Concat(["Anna", "Boris", "Starik", "Ded"]).ToHashSet(), names);
        foreach (var absent in (await MembersAsync("x", "hidden")).Members.Where(m => !north.Members.Contains(m)).Append("Zoya"))
        {
            Assert.DoesNotContain(absent, names);
        }

        var text = (await Node("l", "exposure")).Out;
        foreach (var section in new[] { "code names", "layers", "cells", "contacts", "liaison links", "bulletins (not built yet: always empty): none", "message history" })
        {
            Assert.Contains(section, text, StringComparison.Ordinal);
        }
    }
}
