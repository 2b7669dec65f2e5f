using System.CommandLine;
using System.Text.Json;
using Spectre.Console;

namespace Courier.Cli.Commands;

/// <summary><c>courier reserve ...</c>: a reserve cell that can take over a layer (docs/exposure.md, "The reserve cell").</summary>
internal static class ReserveCommand
{
    public static Command Create()
    {
        var reserve = new Command("reserve", "A reserve cell: a small group that can take a layer over if its founder is taken. The founder designates it ('designate'): what a successor needs (the layer's name, relays and mix pins, and what this node knows of the organization) is split so that any K of the N members can rebuild it and fewer learn nothing; each member gets only its own share. If the founder is taken, K members run 'activate' and the layer goes on in a new cell on its relays.");
        reserve.Subcommands.Add(Designate());
        reserve.Subcommands.Add(List());
        reserve.Subcommands.Add(Activate());
        return reserve;
    }

    private static Command Designate()
    {
        var cell = new Argument<string>("cell") { Description = "The reserve cell: a cell you share with the members, where they will activate." };
        var layer = new Option<string>("--layer") { Description = "The layer the reserve can take over.", Required = true };
        var threshold = new Option<int>("--threshold") { Description = "K: how many members must activate together (2 to N). Fewer than K learn nothing of the layer.", Required = true };
        var members = new Option<string[]>("--member")
        {
            Description = "A member, by the contact name you know them by (repeat; N in all). Each gets one share, sealed to them alone through the channel you share with them; name the contacts you added to the reserve cell.",
            HelpName = "contact",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var designate = new Command("designate", "Split what a successor needs to take over the layer K-of-N over the members, and send each member its own share. Prints the reserve's id, which members give 'activate'. Example: courier reserve designate reserve-1 --layer north --threshold 3 --member Anna --member Boris --member Vera --member Gleb --member Dasha") { cell, layer, threshold, members };
        designate.SetAction(parse => CommandRunner.Run(async () =>
        {
            using var node = NodeCommandOptions.Open(parse);
            var done = await node.DesignateReserveAsync(parse.GetValue(cell)!, parse.GetValue(layer)!, parse.GetValue(threshold), parse.GetValue(members)!).ConfigureAwait(false);
            Console.WriteLine($"reserve {done.Id}: any {done.Threshold} of {done.Members.Count} ({string.Join(", ", done.Members)}) can take over layer {done.Layer}; each was sent only its own share");
            await CommandRunner.SayAsync(done.Notices).ConfigureAwait(false);
        }));
        return designate;
    }

    private static Command List()
    {
        var list = new Command("list", "List the reserve shares this node holds: the reserve's id, K of N, this share's number and who designated it (never the share itself). Shares arrive with 'courier sync'.") { NodeCommandOptions.Json };
        list.SetAction(parse => CommandRunner.Run(() =>
        {
            using var node = NodeCommandOptions.Open(parse);
            var reserves = node.Reserves;
            if (parse.GetValue(NodeCommandOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(reserves.Select(r => new { id = r.Id, threshold = r.Threshold, count = r.Count, number = r.Number, designated_by = r.DesignatedBy, received_at = r.ReceivedAt })));
                return Task.CompletedTask;
            }

            var table = new Table().AddColumns("reserve", "k of n", "share", "designated by", "received");
            foreach (var r in reserves)
            {
                table.AddRow(r.Id, $"{r.Threshold} of {r.Count}", r.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(r.DesignatedBy), r.ReceivedAt.ToString("u", System.Globalization.CultureInfo.InvariantCulture));
            }

            AnsiConsole.Write(table);
            return Task.CompletedTask;
        }));
        return list;
    }

    private static Command Activate()
    {
        var id = new Argument<string>("reserve-id") { Description = "The reserve's id, as 'courier reserve list' shows it." };
        var activate = new Command("activate", "Take over the layer: posts your share to the reserve cell (once; every member of that cell can read it, since the reserve now acts) and reads the others'. Each share is checked against what the founder committed to, and a wrong one is named. With K shares the layer is rebuilt: the member with the lowest share number creates a new cell on the layer's relays with the others who activated, and they join it by running activate again. With fewer than K it fails with too_few_shares: run it again once more members have.") { id };
        activate.SetAction(parse => CommandRunner.Run(async () =>
        {
            using var node = NodeCommandOptions.Open(parse);
            var done = await node.ActivateReserveAsync(parse.GetValue(id)!).ConfigureAwait(false);
            foreach (var refused in done.Refused)
            {
                await Console.Error.WriteLineAsync($"notice: the share \"{CellCommand.Printable(refused)}\" posted does not match the founder's commitment; it was not used").ConfigureAwait(false);
            }

            Console.WriteLine($"reserve {done.Id}: {done.Shares} of {done.Threshold} shares checked, layer {done.Layer} rebuilt");
            Console.WriteLine(done.Cell is { } made
                ? $"cell {made}: the layer's new cell (courier cell members {made})"
                : $"the member with share {done.Leader} makes the new cell; run activate again after they have");
        }));
        return activate;
    }
}
