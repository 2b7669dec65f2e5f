using System.Globalization;
using System.Text;
using System.Xml;

namespace Courier.Node.Exposure;

/// <summary>
/// A cascade report drawn as plain SVG (docs/exposure.md, "The picture"): layers as columns, cells as
/// boxes, members as circles in their cells, a liaison's circles joined by a dashed line. Classes mark
/// what is exposed (<c>exposed</c>), taken (<c>taken</c>), a liaison (<c>liaison</c>) and the single
/// member most dangerous to lose (<c>dangerous</c>); <c>data-member</c> and <c>data-cell</c> carry the
/// report's ids, so the picture can be checked as well as looked at. The layout depends only on the report.
/// </summary>
public static class CascadePicture
{
    private const int ColumnWidth = 340;
    private const int CellWidth = 300;
    private const int PerRow = 5;
    private const int RowHeight = 62;

    /// <summary>The SVG document of <paramref name="report"/>.</summary>
    public static string Draw(CascadeReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var dangerous = report.Members.FirstOrDefault(m => m.CutVertex || m.LayersAtFirstStep > 1)?.Id;
        var member = report.Members.ToDictionary(m => m.Id);
        var places = new List<(string Member, double X, double Y)>();
        var body = new StringBuilder();
        var height = 0;
        for (var l = 0; l < report.Layers.Count; l++)
        {
            var layer = report.Layers[l];
            var x = 20 + (l * ColumnWidth);
            body.Append(Invariant($"<text class=\"layer{Exposed(layer.ExposedAt)}\" x=\"{x}\" y=\"30\" font-size=\"16\" font-weight=\"bold\">{Escape(layer.Name)}{Step(layer.ExposedAt)}</text>\n"));
            var y = 50;
            foreach (var cell in report.Cells.Where(c => layer.Cells.Contains(c.Key)))
            {
                var rows = Math.Max(1, (cell.Members.Count + PerRow - 1) / PerRow);
                var boxHeight = 34 + (rows * RowHeight);
                body.Append(Invariant($"<rect class=\"cell{Exposed(cell.ExposedAt)}\" data-cell=\"{cell.Key}\" x=\"{x}\" y=\"{y}\" width=\"{CellWidth}\" height=\"{boxHeight}\" rx=\"8\"/>\n"));
                body.Append(Invariant($"<text x=\"{x + 10}\" y=\"{y + 20}\" font-size=\"13\">{Escape(cell.Name)}{Step(cell.ExposedAt)}</text>\n"));
                for (var i = 0; i < cell.Members.Count; i++)
                {
                    var m = member[cell.Members[i]];
                    var (cx, cy) = (x + 32 + (i % PerRow * 58), y + 52 + (i / PerRow * RowHeight));
                    places.Add((m.Id, cx, cy));
                    var classes = "member" + (m.ExposedAt == 0 ? " taken" : Exposed(m.ExposedAt)) + (m.Liaison ? " liaison" : string.Empty) + (m.Id == dangerous ? " dangerous" : string.Empty);
                    body.Append(Invariant($"<circle class=\"{classes}\" data-member=\"{m.Id}\" cx=\"{cx}\" cy=\"{cy}\" r=\"14\"><title>{Escape(string.Join(" / ", m.CodeNames))}</title></circle>\n"));
                    body.Append(Invariant($"<text x=\"{cx}\" y=\"{cy + 26}\" font-size=\"9\" text-anchor=\"middle\">{Escape(Short(m.CodeNames.FirstOrDefault() ?? m.Id))}</text>\n"));
                }

                y += boxHeight + 16;
            }

            height = Math.Max(height, y);
        }

        // A liaison's places, joined in the order drawn.
        var links = new StringBuilder();
        foreach (var group in places.GroupBy(p => p.Member).Where(g => g.Count() > 1))
        {
            var m = member[group.Key];
            var list = group.ToList();
            for (var i = 1; i < list.Count; i++)
            {
                links.Append(Invariant($"<line class=\"link liaison{Exposed(m.ExposedAt)}\" data-member=\"{m.Id}\" x1=\"{list[i - 1].X}\" y1=\"{list[i - 1].Y}\" x2=\"{list[i].X}\" y2=\"{list[i].Y}\"/>\n"));
            }
        }

        var width = 40 + (Math.Max(1, report.Layers.Count) * ColumnWidth);
        height += 40;
        var legend = Invariant($"<text x=\"20\" y=\"{height - 14}\" font-size=\"11\">red: exposed (step shown); dark red, black ring: taken; orange ring: most dangerous single member; dashed: one liaison in two cells</text>\n");
        return Invariant($$"""
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="{{width}}" height="{{height}}" viewBox="0 0 {{width}} {{height}}" font-family="sans-serif">
            <style>
            .cell { fill: #f4f6f8; stroke: #889; stroke-width: 1.5; }
            .cell.exposed { fill: #fde2e2; stroke: #c00; stroke-width: 2.5; }
            .member { fill: #8fa8c0; stroke: #456; stroke-width: 1; }
            .member.exposed { fill: #e05050; }
            .member.taken { fill: #800; stroke: #000; stroke-width: 3; }
            .member.dangerous { stroke: #f80; stroke-width: 4; }
            .link { stroke: #556; stroke-width: 2; stroke-dasharray: 5 4; fill: none; }
            .link.exposed { stroke: #c00; }
            .layer.exposed { fill: #c00; }
            </style>

            """) + links + body + legend + "</svg>\n";
    }

    private static string Exposed(int? step) => step > 0 ? " exposed" : string.Empty;

    private static string Step(int? step) => step is { } s ? Invariant($" (step {s})") : string.Empty;

    private static string Short(string name) => name.Length <= 16 ? name : name[..15] + "…";

    /// <summary>Text as XML character data: markup escaped, characters XML cannot hold dropped.</summary>
    private static string Escape(string text)
        => System.Security.SecurityElement.Escape(new string([.. text.Where(XmlConvert.IsXmlChar)])) ?? string.Empty;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
