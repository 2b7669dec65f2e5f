using System.Text.Json;
using Courier.Node;
using Courier.Node.Exposure;

namespace Courier.Cli.Commands;

/// <summary><c>courier exposure --cascade</c>: merged maps, what the members taken expose, the most dangerous members, the picture.</summary>
internal static class CascadeOutput
{
    public static async Task RunAsync(CourierNode node, FileInfo[] maps, string[] taken, FileInfo? svg, bool json, CancellationToken cancellationToken)
    {
        var missing = maps.FirstOrDefault(m => !m.Exists);
        if (missing is not null)
        {
            throw new UsageException($"{missing.FullName} does not exist.");
        }

        if (svg is not null)
        {
            await ExposureCommand.New(svg).ConfigureAwait(false);
        }

        var bytes = new List<byte[]>();
        foreach (var map in maps)
        {
            bytes.Add(await File.ReadAllBytesAsync(map.FullName, cancellationToken).ConfigureAwait(false));
        }

        var report = node.Cascade(bytes, taken);
        if (svg is not null)
        {
            await BundleCommand.WriteNewAsync(svg, System.Text.Encoding.UTF8.GetBytes(CascadePicture.Draw(report)), cancellationToken).ConfigureAwait(false);
        }

        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(report, ExposureCommand.JsonOptions));
            return;
        }

        var cells = report.Cells.ToDictionary(c => c.Key);
        ExposureCommand.Section("members, most dangerous to lose first", ["id", "code names", "cells", "liaison", "cut vertex", "one step: cells / layers", "reach (cells)", "exposed at step"], report.Members.Select(m => new[]
        {
            m.Id, string.Join(" / ", m.CodeNames), string.Join(", ", m.Cells.Select(c => cells[c].Name)), m.Liaison ? "yes" : "-", m.CutVertex ? "yes" : "-",
            $"{m.CellsAtFirstStep} / {m.LayersAtFirstStep}", ExposureCommand.Number(m.Reach), Step(m.ExposedAt),
        }));
        ExposureCommand.Section("cells", ["cell", "layer", "members", "exposed at step"], report.Cells.Select(c => new[] { c.Name, c.Layer, ExposureCommand.Number(c.Members.Count), Step(c.ExposedAt) }));
        ExposureCommand.Section("layers", ["layer", "relays", "cells", "exposed at step"], report.Layers.Select(l => new[] { l.Name, string.Join(", ", l.Relays), ExposureCommand.Number(l.Cells.Count), Step(l.ExposedAt) }));
        if (report.Taken.Count > 0)
        {
            Console.WriteLine(CellCommand.Printable($"taken: {string.Join(", ", report.Taken)}; exposed: {report.Cells.Count(c => c.ExposedAt is not null)} of {report.Cells.Count} cells, {report.Layers.Count(l => l.ExposedAt is not null)} of {report.Layers.Count} layers, {report.Members.Count(m => m.Liaison && m.ExposedAt is not null)} liaison(s), in {report.Steps} step(s)"));
        }

        if (report.Members.FirstOrDefault(m => m.CutVertex || m.LayersAtFirstStep > 1) is { } worst)
        {
            Console.WriteLine(CellCommand.Printable($"most dangerous single member: {worst.Id} ({string.Join(" / ", worst.CodeNames)}): alone exposes {worst.LayersAtFirstStep} layer(s) and {worst.CellsAtFirstStep} cell(s) in one step{(worst.CutVertex ? "; the only link between parts of the organization (cut vertex)" : string.Empty)}"));
        }

        if (svg is not null)
        {
            Console.WriteLine($"picture written to {svg.FullName}");
        }
    }

    private static string Step(int? step) => step is { } s ? ExposureCommand.Number(s) : "-";
}
