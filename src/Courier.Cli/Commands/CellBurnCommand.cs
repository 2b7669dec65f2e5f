using System.CommandLine;
using System.Text.Json;
using Spectre.Console;

namespace Courier.Cli.Commands;

/// <summary><c>courier cell burn</c> and <c>courier cell burned</c> (docs/cells.md, "Burning a cell").</summary>
internal static class CellBurnCommand
{
    public static Command Burn()
    {
        var cellName = new Argument<string>("cell") { Description = "The cell to burn, by the name you know it by." };
        var suspects = new Option<string[]>("--suspect") { Description = "A suspected member, by its code name in the cell (see 'courier cell members'); repeat for more.", Arity = ArgumentArity.OneOrMore, Required = true, AllowMultipleArgumentsPerToken = true, HelpName = "code-name" };
        var yes = new Option<bool>("--yes") { Description = "Do not ask for confirmation." };
        var burn = new Command("burn", "Burn a cell when members are suspected (seized, turned): one commit removes the suspects and starts an epoch with a new dead drop and keys they cannot derive, and gives you a new code name and signing key in the cell; every other member takes a new code name and key on its next sync; your other cells of the layer (its liaisons among their members) are told which code names to stop trusting ('courier cell burned'). It cannot be undone: a suspect can come back only by being added again. Asks for confirmation unless --yes.") { cellName, suspects, yes };
        burn.SetAction((parse, ct) => CommandRunner.RunAsync(async () =>
        {
            var cell = parse.GetValue(cellName)!;
            var named = parse.GetValue(suspects)!;
            if (!parse.GetValue(yes))
            {
                if (Console.IsInputRedirected)
                {
                    throw new UsageException("Burning a cell cannot be undone; pass --yes to confirm.");
                }

                if (!AnsiConsole.Confirm($"Burn cell {CellCommand.Printable(cell)}, removing {string.Join(", ", named.Select(CellCommand.Printable))}? This cannot be undone.", defaultValue: false))
                {
                    throw new UsageException("Nothing was changed.");
                }
            }

            using var node = NodeCommandOptions.Open(parse);
            var report = await node.BurnCellAsync(cell, named, ct).ConfigureAwait(false);
            Console.WriteLine($"burned cell {CellCommand.Printable(report.Cell)}: epoch {report.Epoch}, a new dead drop and keys");
            Console.WriteLine($"removed: {string.Join(", ", report.Removed.Select(CellCommand.Printable))}");
            Console.WriteLine($"your code name: {CellCommand.Printable(report.OldCodeName)} -> {CellCommand.Printable(report.NewCodeName)} (new signing key)");
            Console.WriteLine("the other members take new code names and keys on their next sync");
            Console.WriteLine(report.Told.Count == 0 ? "told: no other cell of the layer" : $"told: {string.Join(", ", report.Told.Select(CellCommand.Printable))}");
        }));
        return burn;
    }

    public static Command Burned()
    {
        var burned = new Command("burned", "List the code names burns told you to stop trusting: suspects removed, and the names the remaining members replaced.") { NodeCommandOptions.Json };
        burned.SetAction(parse => CommandRunner.Run(() =>
        {
            using var node = NodeCommandOptions.Open(parse);
            var names = node.Burned;
            if (parse.GetValue(NodeCommandOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(names.Select(b => new { name = b.Name, suspect = b.Suspect, cell = b.Cell, in_burned_cell = b.InBurnedCell, told_by = b.ToldBy, at = b.At })));
                return Task.CompletedTask;
            }

            if (names.Count == 0)
            {
                Console.WriteLine("no code name was burned");
            }

            foreach (var b in names)
            {
                Console.WriteLine($"{CellCommand.Printable(b.Name)}  {(b.Suspect ? "suspect" : "replaced")}  told in {CellCommand.Printable(b.Cell)}{(b.InBurnedCell ? " (the burned cell)" : string.Empty)} by {CellCommand.Printable(b.ToldBy)} at {b.At:u}");
            }

            return Task.CompletedTask;
        }));
        return burned;
    }
}
