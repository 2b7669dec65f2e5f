using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;

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
        Assert.Equal(new[] { url1, url2 }.Order(), report.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("relays")[0].GetString()!).Order());
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
        foreach (var section in new[] { "code names", "layers", "cells", "contacts", "liaison links", "bulletins (authorities followed; authority shares held): none", "message history" })
        {
            Assert.Contains(section, text, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// Must-hold 1, second half: the demo's organization (two layers of two cells of five, one liaison),
    /// each person's map exported by the demo and merged by an analyst's node: the liaison, and only
    /// the liaison, is the single member whose loss exposes both layers; taken, it exposes both its cells
    /// in one step and nothing of the other two; the SVG parses and highlights it.
    /// </summary>
    [Fact]
    public async Task Cascade_on_the_demos_maps_names_the_liaison_as_the_member_whose_loss_exposes_both_layers_and_draws_it()
    {
        await Node("analyst", "init");
        var key = (await Node("analyst", "exposure", "--analyst-key")).Out.Trim();
        Assert.Matches("^[0-9a-f]{64}$", key);
        var maps = Path.Combine(Cli.Root, "maps");
        var demo = await CourierCli.RunOkAsync("demo", "--maps", maps, "--analyst", key);
        // The test command's only run of the demo (README's first command): every expectation held.
        Assert.Contains("All expectations held", demo.Out, StringComparison.Ordinal);
        var liaison = Regex.Match(demo.Out, @"the liaison \(person 5, (.+) in north-1, (.+) in south-1\)");
        Assert.True(liaison.Success, demo.Out);
        string[] liaisonNames = [liaison.Groups[1].Value, liaison.Groups[2].Value];
        var files = Directory.GetFiles(maps, "*.map").Order().ToArray();
        Assert.Equal(19, files.Length);

        var report = (await Node("analyst", ["exposure", "--json", "--cascade", .. files])).Json();
        var members = report.GetProperty("members").EnumerateArray().ToList();
        Assert.Equal(19, members.Count);
        var worst = members[0];
        Assert.Equal(liaisonNames.Order(), worst.GetProperty("code_names").EnumerateArray().Select(n => n.GetString()!).Where(liaisonNames.Contains).Order());
        Assert.Equal((2, 2, true, true), (worst.GetProperty("layers_at_first_step").GetInt32(), worst.GetProperty("cells_at_first_step").GetInt32(), worst.GetProperty("cut_vertex").GetBoolean(), worst.GetProperty("liaison").GetBoolean()));
        Assert.All(members.Skip(1), m => Assert.Equal((1, false, false), (m.GetProperty("layers_at_first_step").GetInt32(), m.GetProperty("cut_vertex").GetBoolean(), m.GetProperty("liaison").GetBoolean())));
        Assert.Equal(["north", "south"], report.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("name").GetString()!));
        Assert.Equal(4, report.GetProperty("cells").GetArrayLength());

        // The liaison taken: north-1 and south-1 in one step, north-2 and south-2 never; drawn.
        var svg = Path.Combine(Cli.Root, "cascade.svg");
        var taken = (await Node("analyst", ["exposure", "--json", "--cascade", .. files, "--taken", liaisonNames[0], "--svg", svg])).Json();
        var cells = taken.GetProperty("cells").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("exposed_at"));
        Assert.Equal((1, 1), (cells["north-1"].GetInt32(), cells["south-1"].GetInt32()));
        Assert.Equal((JsonValueKind.Null, JsonValueKind.Null), (cells["north-2"].ValueKind, cells["south-2"].ValueKind));
        Assert.All(taken.GetProperty("layers").EnumerateArray(), l => Assert.Equal(1, l.GetProperty("exposed_at").GetInt32()));
        var liaisonId = worst.GetProperty("id").GetString();
        Assert.Equal([liaisonId], taken.GetProperty("taken").EnumerateArray().Select(t => t.GetString()));

        XNamespace ns = "http://www.w3.org/2000/svg";
        var picture = XDocument.Load(svg);
        var circles = picture.Descendants(ns + "circle").ToList();
        var liaisonCircles = circles.Where(c => (string?)c.Attribute("data-member") == liaisonId).ToList();
        Assert.Equal(2, liaisonCircles.Count);
        Assert.All(liaisonCircles, c => Assert.Equal(["member", "taken", "liaison", "dangerous"], ((string)c.Attribute("class")!).Split(' ')));
        Assert.Equal(liaisonCircles, circles.Where(c => ((string)c.Attribute("class")!).Split(' ').Contains("dangerous")));
        Assert.Equal(2, picture.Descendants(ns + "rect").Count(r => ((string)r.Attribute("class")!).Split(' ').Contains("exposed")));
        Assert.Single(picture.Descendants(ns + "line"), l => (string?)l.Attribute("data-member") == liaisonId);

        // A map sealed to another analyst is refused; a taken name in no map is refused; the table names the liaison.
        await Node("other", "init");
        var refused = await Try("other", ["exposure", "--cascade", files[0]]);
        Assert.Equal((1, true), (refused.Exit, refused.Err.Contains("map_refused", StringComparison.Ordinal)));
        Assert.Contains("unknown_member", (await Try("analyst", ["exposure", "--cascade", .. files, "--taken", "Nobody At All"])).Err, StringComparison.Ordinal);
        Assert.Contains($"most dangerous single member: {liaisonId} (", (await Node("analyst", ["exposure", "--cascade", .. files])).Out, StringComparison.Ordinal);
    }
}
