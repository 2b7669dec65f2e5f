using System.CommandLine;
using System.Text.Json;
using Courier.Node;
using Courier.Node.Cells;
using Spectre.Console;

namespace Courier.Cli.Commands;

/// <summary><c>courier send|sync|run|inbox|read|forward</c>.</summary>
internal static class MessageCommands
{
    private static readonly TimeSpan RunInterval = TimeSpan.FromSeconds(2);

    /// <summary>How often 'run' looks, between syncs, whether its vault was destroyed (courier panic).</summary>
    private static readonly TimeSpan PanicCheck = TimeSpan.FromMilliseconds(100);

    public static IEnumerable<Command> Create() => [Send(), Sync(), Run(), Inbox(), Read(), Forward()];

    private static Command Send()
    {
        var cell = new Argument<string>("cell") { Description = "The cell, by the name you know it by." };
        var text = new Argument<string?>("text") { Description = "The message.", Arity = ArgumentArity.ZeroOrOne };
        var file = new Option<FileInfo?>("--file") { Description = "Send this file instead of a text (in 60 KiB chunks, with a progress bar).", HelpName = "path" };
        var send = new Command("send", "Send a message or a file to a cell. It leaves your outbox only once the relay acknowledged it; if the relay is unreachable it waits there for the next sync.") { cell, text, file };
        send.Validators.Add(result =>
        {
            if ((result.GetValue(text) is null) == (result.GetValue(file) is null))
            {
                result.AddError("Give either a text or --file <path>.");
            }
        });
        send.SetAction((parse, ct) => CommandRunner.RunAsync(async () =>
        {
            try
            {
                await SendAsync(parse, ct).ConfigureAwait(false);
            }
            catch (RelayUnreachableException)
            {
                await Console.Error.WriteLineAsync("what was sent waits in the outbox and goes out with the next 'courier sync' or 'courier run'").ConfigureAwait(false);
                throw;
            }
        }));
        return send;

        async Task SendAsync(ParseResult parse, CancellationToken ct)
        {
            using var node = NodeCommandOptions.Open(parse);
            var to = parse.GetValue(cell)!;
            if (parse.GetValue(file) is not { } path)
            {
                var said = await node.SendAsync(to, parse.GetValue(text)!, ct).ConfigureAwait(false);
                Console.WriteLine($"sent to {to}");
                await CommandRunner.SayAsync(said).ConfigureAwait(false);
                return;
            }

            if (!path.Exists)
            {
                throw new UsageException($"{path.FullName} does not exist.");
            }

            IReadOnlyList<string> notices = [];
            if (Console.IsOutputRedirected)
            {
                notices = await node.SendFileAsync(to, path.FullName, null, ct).ConfigureAwait(false);
            }
            else
            {
                await AnsiConsole.Progress().StartAsync(async progress =>
                {
                    var task = progress.AddTask(Markup.Escape(path.Name), maxValue: Math.Max(1, path.Length));
                    notices = await node.SendFileAsync(to, path.FullName, new Progress<long>(sent => task.Value = sent), ct).ConfigureAwait(false);
                    task.Value = task.MaxValue;
                }).ConfigureAwait(false);
            }

            Console.WriteLine($"sent {path.Name} ({path.Length:N0} bytes) to {to}");
            await CommandRunner.SayAsync(notices).ConfigureAwait(false);
        }
    }

    private static Command Sync()
    {
        var sync = new Command("sync", "Fetch from the relays: messages of every cell, Welcomes to new cells, introductions; and send what waits in the outboxes. Prints what arrived.");
        sync.SetAction((parse, ct) => CommandRunner.RunAsync(async () =>
        {
            using var node = NodeCommandOptions.Open(parse);
            var result = await node.SyncAsync(ct).ConfigureAwait(false);
            await PrintAsync(result).ConfigureAwait(false);
            if (result.Problems.Count > 0)
            {
                throw new RelayUnreachableException($"{result.Problems.Count} relay call(s) failed; see above. Run sync again later.");
            }
        }));
        return sync;
    }

    private static Command Run()
    {
        var run = new Command("run", "Keep syncing (every 2 seconds) and print what arrives, until Ctrl+C. Relays that cannot be reached are retried on the next round.");
        run.SetAction((parse, ct) => CommandRunner.RunAsync(async () =>
        {
            using var node = NodeCommandOptions.Open(parse);
            await Console.Error.WriteLineAsync("syncing; Ctrl+C stops").ConfigureAwait(false);
            try
            {
                while (true)
                {
                    await PrintAsync(await node.SyncAsync(ct).ConfigureAwait(false)).ConfigureAwait(false);
                    // A panic from another process ends the wait at once; the next sync refuses with vault_destroyed.
                    for (var waited = TimeSpan.Zero; waited < RunInterval && !node.Destroyed; waited += PanicCheck)
                    {
                        await Task.Delay(PanicCheck, ct).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Ctrl+C: everything received is already stored.
            }
        }));
        return run;
    }

    private static Command Inbox()
    {
        var all = new Option<bool>("--all") { Description = "Also list messages already read." };
        var inbox = new Command("inbox", "List unread messages of every cell (read them with 'courier read <cell>').") { all, NodeCommandOptions.Json };
        inbox.SetAction(parse => CommandRunner.Run(() =>
        {
            using var node = NodeCommandOptions.Open(parse);
            Print(node.Inbox(unreadOnly: !parse.GetValue(all)), parse.GetValue(NodeCommandOptions.Json));
            return Task.CompletedTask;
        }));
        return inbox;
    }

    private static Command Read()
    {
        var cell = new Argument<string>("cell") { Description = "The cell, by the name you know it by." };
        var save = new Option<DirectoryInfo?>("--save") { Description = "Write the cell's received files into this directory (an existing file is never overwritten).", HelpName = "dir" };
        var read = new Command("read", "Show every message received in a cell, oldest first, and mark them read.") { cell, save, NodeCommandOptions.Json };
        read.SetAction(parse => CommandRunner.Run(() =>
        {
            using var node = NodeCommandOptions.Open(parse);
            var messages = node.Read(parse.GetValue(cell)!);
            Print(messages, parse.GetValue(NodeCommandOptions.Json));
            if (parse.GetValue(save) is { } directory)
            {
                directory.Create();
                foreach (var file in messages.Where(m => m.FileName is not null))
                {
                    var path = Path.Combine(directory.FullName, Path.GetFileName(file.FileName!));
                    for (var n = 2; File.Exists(path); n++)
                    {
                        path = Path.Combine(directory.FullName, $"{Path.GetFileNameWithoutExtension(file.FileName)} ({n}){Path.GetExtension(file.FileName)}");
                    }

                    node.SaveFile(file.Id, path);
                    Console.Error.WriteLine($"saved {path}");
                }
            }

            return Task.CompletedTask;
        }));
        return read;
    }

    private static Command Forward()
    {
        var message = new Argument<string>("message") { Description = "The message's id, as inbox or read show it." };
        var to = new Option<string>("--to") { Description = "The cell to forward it to (usually one in your other layer).", HelpName = "cell", Required = true };
        var forward = new Command("forward", "As a liaison, carry a received message or file into another cell: the only way anything crosses between layers. Its receivers see it marked as forwarded, without the names of where it came from.") { message, to };
        forward.SetAction((parse, ct) => CommandRunner.RunAsync(async () =>
        {
            using var node = NodeCommandOptions.Open(parse);
            var notices = await node.ForwardAsync(parse.GetValue(message)!, parse.GetValue(to)!, ct).ConfigureAwait(false);
            Console.WriteLine($"forwarded {parse.GetValue(message)} to {parse.GetValue(to)}");
            await CommandRunner.SayAsync(notices).ConfigureAwait(false);
        }));
        return forward;
    }

    private static async Task PrintAsync(SyncResult result)
    {
        foreach (var contact in result.Contacts.Added)
        {
            Console.WriteLine($"added contact {contact.Name}, introduced by {contact.IntroducedByName}");
        }

        foreach (var cell in result.Contacts.JoinedCells)
        {
            Console.WriteLine($"joined cell {cell}");
        }

        foreach (var cell in result.RemovedFrom)
        {
            Console.WriteLine($"removed from cell {cell}");
        }

        foreach (var waiting in result.Contacts.WaitingCells)
        {
            Console.WriteLine($"waiting: {CellCommand.Printable(waiting)}");
        }

        foreach (var message in result.Received)
        {
            Console.WriteLine(CellCommand.Describe(message));
        }

        await CommandRunner.SayAsync(result.Notices).ConfigureAwait(false);
        foreach (var line in result.Contacts.Rejected.Select(r => $"rejected: {r}").Concat(result.Problems.Select(p => $"problem: {p}")))
        {
            await Console.Error.WriteLineAsync(line).ConfigureAwait(false);
        }
    }

    internal static void Print(IReadOnlyList<InboxMessage> messages, bool json)
    {
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(messages.Select(m => new
            {
                id = m.Id,
                cell = m.Cell,
                sender = m.Sender,
                received_at = m.ReceivedAt,
                text = m.Text,
                file = m.FileName,
                size = m.FileSize,
                forwarded_from = m.ForwardedFrom,
                read = m.IsRead,
            })));
            return;
        }

        foreach (var message in messages)
        {
            Console.WriteLine(CellCommand.Describe(message));
        }
    }
}
