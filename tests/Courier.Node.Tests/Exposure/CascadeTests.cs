using System.Xml.Linq;
using Courier.Node.Exposure;

namespace Courier.Node.Tests.Exposure;

/// <summary>Organization maps (sealing, merging) and the cascade over them (docs/exposure.md, "Cascade").</summary>
public sealed class CascadeTests
{
    [Fact]
    public async Task Maps_of_two_members_merge_into_one_cell_of_two_people_and_open_only_for_the_analyst()
    {
        using var nodes = new TestNodes();
        var (a, b, analyst, other) = (nodes.Create(), nodes.Create(), nodes.Create(), nodes.Create());
        await nodes.ConnectAsync(a, b, inviterName: "Starik", acceptorName: "Alyosha");
        a.CreateLayer("north", [nodes.RelayUri]);
        await a.CreateCellAsync("north-1");
        await a.AddToCellAsync("north-1", ["Alyosha"]);
        await b.SyncAsync();

        var key = analyst.AnalystKey();
        Assert.Equal(key, analyst.AnalystKey());
        byte[][] maps = [await a.ExportMapAsync(key), await b.ExportMapAsync(key)];
        Assert.All(maps, m => Assert.Equal(0, (m.Length - 5 - 32 - 16) % 4096));

        var report = analyst.Cascade(maps, []);
        var cell = Assert.Single(report.Cells);
        Assert.Equal(("north-1", "north"), (cell.Name, cell.Layer));
        Assert.Equal(2, report.Members.Count);
        var members = a.Describe("north-1").Members;
        Assert.Equal(members.Order(), report.Members.Select(m => m.CodeNames[0]).Order());
        Assert.Contains(report.Members, m => m.CodeNames.Contains("Starik") && m.CodeNames.Contains(a.Describe("north-1").CodeName));
        Assert.Contains(report.Members, m => m.CodeNames.Contains("Alyosha") && m.CodeNames.Contains(b.Describe("north-1").CodeName));
        Assert.Equal((0, (int?)null), (report.Steps, cell.ExposedAt));

        // Sealed to the analyst only: another node's key, a flipped byte, a cut file, another format are refused.
        Assert.Throws<MapRefusedException>(() => other.Cascade(maps, []));
        for (var at = 0; at < maps[0].Length; at += 97)
        {
            var flipped = (byte[])maps[0].Clone();
            flipped[at] ^= 0x20;
            Assert.Throws<MapRefusedException>(() => analyst.Cascade([flipped], []));
        }

        Assert.Throws<MapRefusedException>(() => analyst.Cascade([maps[0][..^1]], []));
        Assert.Throws<MapRefusedException>(() => analyst.Cascade([[1, 2, 3]], []));
        Assert.Throws<UnknownMemberException>(() => analyst.Cascade(maps, ["Nobody"]));
        Assert.Throws<ArgumentOutOfRangeException>(() => a.ExportMapAsync(new byte[31]).GetAwaiter().GetResult());
    }

    /// <summary>The demo's shape: four cells of five in two layers, person 5 in north-1 and south-1.</summary>
    [Fact]
    public void In_the_demos_organization_only_the_liaison_is_a_cut_vertex_and_a_member_of_north_1_reaches_south_1_in_two_steps()
    {
        (string Cell, string Layer, int[] People)[] organization =
        [
            ("north-1", "north", [1, 2, 3, 4, 5]), ("north-2", "north", [6, 7, 8, 9, 10]),
            ("south-1", "south", [5, 11, 12, 13, 14]), ("south-2", "south", [15, 16, 17, 18, 19]),
        ];
        var report = Cascade.Analyze(OrganizationGraph.Merge(MapsOf(organization)), ["p1@north-1"]);

        var liaison = report.Members[0];
        Assert.Equal((true, true, 2, 2, 2), (liaison.CutVertex, liaison.Liaison, liaison.LayersAtFirstStep, liaison.CellsAtFirstStep, liaison.Reach));
        Assert.Equal(["p5@north-1", "p5@south-1"], liaison.CodeNames);
        Assert.All(report.Members.Skip(1), m => Assert.Equal((false, false, 1), (m.CutVertex, m.Liaison, m.LayersAtFirstStep)));

        var cells = report.Cells.ToDictionary(c => c.Name, c => c.ExposedAt);
        Assert.Equal([1, 2, null, null], [cells["north-1"], cells["south-1"], cells["north-2"], cells["south-2"]]);
        Assert.Equal([1, 2], report.Layers.Select(l => l.ExposedAt));
        Assert.Equal(2, report.Steps);
        Assert.Equal((0, 1, 2), (report.Members.Single(m => m.CodeNames[0] == "p1@north-1").ExposedAt, liaison.ExposedAt!.Value, report.Members.Single(m => m.CodeNames[0] == "p11@south-1").ExposedAt!.Value));
        Assert.All(report.Members.Where(m => m.Cells.Contains(report.Cells.Single(c => c.Name == "north-2").Key)), m => Assert.Null(m.ExposedAt));

        // The picture: a well-formed SVG, one rect per cell, the liaison's two circles joined and highlighted.
        XNamespace ns = "http://www.w3.org/2000/svg";
        var svg = XDocument.Parse(CascadePicture.Draw(report));
        Assert.Equal(4, svg.Descendants(ns + "rect").Count());
        var exposedRects = svg.Descendants(ns + "rect").Where(r => ((string)r.Attribute("class")!).Contains("exposed", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, exposedRects.Count);
        var liaisonCircles = svg.Descendants(ns + "circle").Where(c => (string?)c.Attribute("data-member") == liaison.Id).ToList();
        Assert.Equal(2, liaisonCircles.Count);
        Assert.All(liaisonCircles, c => Assert.Contains("dangerous", ((string)c.Attribute("class")!).Split(' ')));
        Assert.Equal(CascadePicture.Draw(report), CascadePicture.Draw(report));
    }

    [Fact]
    public void A_chain_of_cells_has_a_cut_vertex_at_every_link_and_names_in_markup_are_escaped()
    {
        // Three cells in one layer, chained by two members; a code name full of markup.
        (string Cell, string Layer, int[] People)[] organization = [("a", "one", [1, 2]), ("b", "one", [2, 3]), ("c", "one", [3, 4])];
        var maps = MapsOf(organization).Select(m => m with { Cells = [.. m.Cells.Select(c => c with { Name = "<b>&" + c.Name })] }).ToList();
        var report = Cascade.Analyze(OrganizationGraph.Merge(maps), ["p4@c"]);
        Assert.Equal(["p2@a", "p3@b"], report.Members.Where(m => m.CutVertex).Select(m => m.CodeNames[0]).Order());
        Assert.Equal([3, 2, 1], report.Cells.Select(c => c.ExposedAt!.Value));
        Assert.Equal(3, report.Steps);
        Assert.Contains("&lt;b&gt;&amp;a", CascadePicture.Draw(report), StringComparison.Ordinal);
        XDocument.Parse(CascadePicture.Draw(report));
    }

    /// <summary>Each person's map: its cells (its code name in each is "pN@cell") and no contacts.</summary>
    private static List<OrganizationMap> MapsOf((string Cell, string Layer, int[] People)[] organization)
        => [.. organization.SelectMany(c => c.People).Distinct().Select(person => new OrganizationMap(
            [.. organization.Where(c => c.People.Contains(person)).Select(c => new MapCell(
                Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(c.Cell)).AsSpan(0, 16)),
                c.Cell, c.Layer, [$"http://{c.Layer}.relay/"], $"p{person}@{c.Cell}", [.. c.People.Select(p => $"p{p}@{c.Cell}")]))],
            []))];
}
