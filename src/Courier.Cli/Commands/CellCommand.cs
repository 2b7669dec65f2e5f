using System.CommandLine;
using System.Text.Json;
using Courier.Node.Cells;
using Spectre.Console;

namespace Courier.Cli.Commands;

/// <summary><c>courier cell ...</c>: cells (MLS groups) and their members.</summary>
internal static class CellCommand
{
    private static readonly Argument<string> CellName = new("cell") { Description = "The cell, by the name you know it by." };

    public static Command Create()
    {
        var cell = new Command("cell", "Cells: small groups whose members know each other only by code names used nowhere else. Messages go through a dead drop that changes every epoch.");
        cell.Subcommands.Add(CreateCell());
        cell.Subcommands.Add(Add());
        cell.Subcommands.Add(Remove());
        cell.Subcommands.Add(Leave());
        cell.Subcommands.Add(Rotate());
        cell.Subcommands.Add(Members());
        cell.Subcommands.Add(List());
        cell.Subcommands.Add(Pending());
        cell.Subcommands.Add(Join());
        cell.Subcommands.Add(Retention());
        cell.Subcommands.Add(CellBurnCommand.Burn());
        cell.Subcommands.Add(CellBurnCommand.Burned());
        return cell;
    }

    private static Command Retention()
    {
        var duration = new Argument<TimeSpan>("duration")
        {
            Description = "How long members keep a message after receiving it: a number and s, m, h or d (10s, 30m, 12h, 7d), or off.",
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
                if (text == "off")
                {
                    return TimeSpan.Zero;
                }

                var unit = text.Length > 1 ? text[^1] switch { 's' => 1L, 'm' => 60L, 'h' => 3600L, 'd' => 86400L, _ => 0L } : 0L;
                if (unit > 0 && long.TryParse(text[..^1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count) && count is > 0 and <= 36500L * 86400 && count * unit <= 36500L * 86400)
                {
                    return TimeSpan.FromSeconds(count * unit);
                }

                result.AddError($"'{text}' is not a retention: give a number and s, m, h or d (such as 10s or 7d, at most 100 years), or off.");
                return TimeSpan.Zero;
            },
        };
        var retention = new Command("retention", "Disappearing messages: set how long every member of the cell keeps its messages (and files) after receiving them; older ones are deleted from every member's vault at its next open or sync. Any member may set it; the latest setting wins, and 'cell list' shows it. Relays keep their copies (sealed) until their own retention (docs/panic.md).") { CellName, duration };
        retention.SetAction((parse, ct) => CommandRunner.RunAsync(async () =>
        {
            using var node = NodeCommandOptions.Open(parse);
            var cell = parse.GetValue(CellName)!;
            var notices = await node.SetRetentionAsync(cell, parse.GetValue(duration), ct).ConfigureAwait(false);
            Console.WriteLine(parse.GetValue(duration) == TimeSpan.Zero ? $"messages of {Printable(cell)} are kept" : $"messages of {Printable(cell)} are kept for {Keeps(parse.GetValue(duration))}");
            await CommandRunner.SayAsync(notices).ConfigureAwait(false);
        }));
        return retention;
    }

    /// <summary>A retention as the command takes it (10s, 30m, 12h, 7d).</summary>
    private static string Keeps(TimeSpan? retention)
    {
        var seconds = (long)(retention ?? TimeSpan.Zero).TotalSeconds;
        return seconds == 0 ? "-" : seconds % 86400 == 0 ? $"{seconds / 86400}d" : seconds % 3600 == 0 ? $"{seconds / 3600}h" : seconds % 60 == 0 ? $"{seconds / 60}m" : $"{seconds}s";
    }

    private static Command Pending()
    {
        var pending = new Command("pending", "List cells contacts invited you to on relays none of your layers uses. Your node has not connected to those relays; 'courier cell join' does.") { NodeCommandOptions.Json };
        pending.SetAction(parse => CommandRunner.Run(() =>
        {
            using var node = NodeCommandOptions.Open(parse);
            var cells = node.PendingCells;
            if (parse.GetValue(NodeCommandOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(cells.Select(c => new { id = c.Id, cell = c.Cell, from = c.From, relay = c.Relay })));
                return Task.CompletedTask;
            }

            if (cells.Count == 0)
            {
                Console.WriteLine("no cell invitation waits");
                return Task.CompletedTask;
            }

            foreach (var c in cells)
            {
                Console.WriteLine($"{c.Id}  {Printable(c.Cell)} from {Printable(c.From)} on {c.Relay}");
            }

            return Task.CompletedTask;
        }));
        return pending;
    }

    private static Command Join()
    {
        var id = new Argument<string>("id") { Description = "The invitation's id, as 'courier cell pending' shows it." };
        var join = new Command("join", "Join a cell a contact invited you to on a relay none of your layers uses: your node connects to that relay from now on (a layer is created for it).") { id };
        join.SetAction((parse, ct) => CommandRunner.RunAsync(async () =>
        {
            using var node = NodeCommandOptions.Open(parse);
            var name = await node.JoinPendingCellAsync(parse.GetValue(id)!, ct).ConfigureAwait(false);
            Console.WriteLine($"joined cell {Printable(name)}");
        }));
        return join;
    }

    private static Command CreateCell()
    {
        var name = new Argument<string>("name") { Description = "The cell's name (yours only; members who join see the name you gave it, and may keep another)." };
        var layer = new Option<string?>("--layer") { Description = "The cell's layer (needed when you have more than one).", HelpName = "layer" };
        var codeName = new Option<string?>("--code-name") { Description = "Your code name in this cell (default: a fresh random one).", HelpName = "name" };
        var create = new Command("create", "Create a cell with you as its only member; then add contacts with 'courier cell add'.") { name, layer, codeName };
        create.SetAction((parse, ct) => CommandRunner.RunAsync(async () =>
        {
            using var node = NodeCommandOptions.Open(parse);
            var created = await node.CreateCellAsync(parse.GetValue(name)!, parse.GetValue(layer), parse.GetValue(codeName), ct).ConfigureAwait(false);
            Console.WriteLine($"created cell {created.Name} in layer {created.Layer}; you are {created.CodeName} in it");
        }));
        return create;
    }

    private static Command Add()
    {
        var contacts = new Argument<string[]>("contact") { Description = "Contacts to add, by code name or id.", Arity = ArgumentArity.OneOrMore };
        var add = new Command("add", "Add contacts to a cell in one commit; each receives the Welcome through the dead drop you share and joins on their next sync.") { CellName, contacts };
        add.SetAction((parse, ct) => CommandRunner.RunAsync(async () =>
        {
            using var node = NodeCommandOptions.Open(parse);
            var notices = await node.AddToCellAsync(parse.GetValue(CellName)!, parse.GetValue(contacts)!, ct).ConfigureAwait(false);
            await CommandRunner.SayAsync(notices).ConfigureAwait(false);
            Console.WriteLine($"added {string.Join(", ", parse.GetValue(contacts)!)} to {parse.GetValue(CellName)}; they join on their next sync");
        }));
        return add;
    }

    private static Command Remove()
    {
        var members = new Argument<string[]>("member") { Description = "Members to remove, by their code names in the cell (see 'courier cell members').", Arity = ArgumentArity.OneOrMore };
        var remove = new Command("remove", "Remove members from a cell: they cannot read anything sent after it.") { CellName, members };
        remove.SetAction((parse, ct) => CommandRunner.RunAsync(async () =>
        {
            using var node = NodeCommandOptions.Open(parse);
            await node.RemoveFromCellAsync(parse.GetValue(CellName)!, parse.GetValue(members)!, ct).ConfigureAwait(false);
            Console.WriteLine($"removed {string.Join(", ", parse.GetValue(members)!)} from {parse.GetValue(CellName)}");
        }));
        return remove;
    }

    private static Command Leave()
    {
        var leave = new Command("leave", "Leave a cell: the others remove you with their next sync, and your node forgets the cell's keys. Messages already received stay in your inbox.") { CellName };
        leave.SetAction((parse, ct) => CommandRunner.RunAsync(async () =>
        {
            using var node = NodeCommandOptions.Open(parse);
            await node.LeaveCellAsync(parse.GetValue(CellName)!, ct).ConfigureAwait(false);
            Console.WriteLine($"left {parse.GetValue(CellName)}");
        }));
        return leave;
    }

    private static Command Rotate()
    {
        var rotate = new Command("rotate", "Commit fresh keys for yourself in a cell: if your device was copied, the copy cannot read what is sent after this.") { CellName };
        rotate.SetAction((parse, ct) => CommandRunner.RunAsync(async () =>
        {
            using var node = NodeCommandOptions.Open(parse);
            await node.RotateKeysAsync(parse.GetValue(CellName)!, ct).ConfigureAwait(false);
            Console.WriteLine($"rotated your keys in {parse.GetValue(CellName)}");
        }));
        return rotate;
    }

    private static Command Members()
    {
        var members = new Command("members", "List a cell's members by their code names in it.") { CellName, NodeCommandOptions.Json };
        members.SetAction(parse => CommandRunner.Run(() =>
        {
            using var node = NodeCommandOptions.Open(parse);
            var cell = node.Describe(parse.GetValue(CellName)!);
            if (parse.GetValue(NodeCommandOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new { cell = cell.Name, you = cell.CodeName, members = cell.Members, epoch = cell.Epoch, member = cell.IsMember }));
                return Task.CompletedTask;
            }

            if (!cell.IsMember)
            {
                Console.WriteLine($"you are no longer a member of {cell.Name}");
                return Task.CompletedTask;
            }

            foreach (var member in cell.Members)
            {
                Console.WriteLine(member == cell.CodeName ? $"{member} (you)" : member);
            }

            return Task.CompletedTask;
        }));
        return members;
    }

    private static Command List()
    {
        var list = new Command("list", "List your cells: layer, your code name, members, epoch, retention (keeps).") { NodeCommandOptions.Json };
        list.SetAction(parse => CommandRunner.Run(() =>
        {
            using var node = NodeCommandOptions.Open(parse);
            var cells = node.Cells;
            if (parse.GetValue(NodeCommandOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(cells.Select(c => new { name = c.Name, layer = c.Layer, relay = c.Relay, member = c.IsMember, you = c.CodeName, members = c.Members, epoch = c.Epoch, cipher_suite = c.CipherSuite, retention_seconds = (long?)c.Retention?.TotalSeconds, retention_set_by = c.RetentionSetBy })));
                return Task.CompletedTask;
            }

            var table = new Table().AddColumns("cell", "layer", "you", "members", "epoch", "keeps");
            foreach (var c in cells)
            {
                table.AddRow(Markup.Escape(c.Name), Markup.Escape(c.Layer), Markup.Escape(c.IsMember ? c.CodeName : "(left)"), c.Members.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), c.Epoch.ToString(System.Globalization.CultureInfo.InvariantCulture), Keeps(c.Retention));
            }

            AnsiConsole.Write(table);
            return Task.CompletedTask;
        }));
        return list;
    }

    /// <summary>One line for a message, as inbox, read, sync and run print it.</summary>
    public static string Describe(InboxMessage m)
    {
        var from = m.ForwardedFrom is null ? m.Sender : $"{m.Sender}, forwarded from {m.ForwardedFrom}";
        var body = m.Text ?? $"[file {m.FileName}, {m.FileSize:N0} bytes]";
        return Printable($"{m.Id}  {m.Cell}  {from}: {body}");
    }

    /// <summary>What other members wrote, with control characters shown as '?': a message cannot drive the terminal.</summary>
    public static string Printable(string text) => string.Create(text.Length, text, (span, t) =>
    {
        for (var i = 0; i < t.Length; i++)
        {
            span[i] = char.IsControl(t[i]) ? '?' : t[i];
        }
    });
}
