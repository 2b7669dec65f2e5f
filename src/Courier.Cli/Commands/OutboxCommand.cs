using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Courier.Node;

namespace Courier.Cli.Commands;

/// <summary><c>courier outbox</c>: what this node sent that waits to be delivered.</summary>
internal static class OutboxCommand
{
    private const string Description = """
        List what you sent that waits to be delivered (cells' messages, Welcomes, then messages to contacts, each oldest first), by the cell's or contact's name as you know them, with its age and state. Nothing is sent; 'courier sync' (or 'courier run') sends what waits.
          cell  unsettled   a message to a cell, handed to the relay or not yet; it leaves the list once this node has seen it in the cell's drop (the next sync). If the relay was unreachable, the next sync sends it.
          cell  set aside   the relay refused it for good (a full drop, a refused signature); it goes out again in the cell's next epoch, which this node starts on its next sync.
          contact  waiting  an introduction or KeyPackage for a contact: the relay had deleted the drop you write to them (they did not read it for longer than the relay keeps an unused drop), or was unreachable. A sync after they have synced again delivers it; nothing needs to be sent again.
          welcome  waiting  a cell's Welcome for a contact you added; the next sync sends it.
        Age is unknown (-) for Welcomes and for cell messages queued by an earlier version.
        """;

    public static Command Create()
    {
        var outbox = new Command("outbox", Description) { NodeCommandOptions.Json };
        outbox.SetAction(parse => CommandRunner.Run(() =>
        {
            using var node = NodeCommandOptions.Open(parse);
            var now = DateTimeOffset.UtcNow;
            var items = node.Outbox;
            if (parse.GetValue(NodeCommandOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(items.Select(i => new
                {
                    kind = i.Kind,
                    name = i.Name,
                    state = i.State,
                    queued_at = i.QueuedAt,
                    age_seconds = i.QueuedAt is { } at ? (long?)Math.Max(0, (long)(now - at).TotalSeconds) : null,
                    epoch = i.Epoch,
                })));
                return Task.CompletedTask;
            }

            if (items.Count == 0)
            {
                Console.WriteLine("nothing waits to be delivered");
            }

            foreach (var i in items)
            {
                var epoch = i.Epoch is { } e ? $"  epoch {e}" : string.Empty;
                Console.WriteLine(CellCommand.Printable($"{i.Kind,-8} {i.Name}  {i.State}  {Age(i.QueuedAt, now)}{epoch}"));
            }

            return Task.CompletedTask;
        }));
        return outbox;
    }

    /// <summary>How long ago, in the largest whole unit: 42 s, 5 min, 3 h, 2 d; "-" when unknown.</summary>
    private static string Age(DateTimeOffset? queuedAt, DateTimeOffset now)
    {
        if (queuedAt is not { } at)
        {
            return "age -";
        }

        var age = now - at < TimeSpan.Zero ? TimeSpan.Zero : now - at;
        var text = age.TotalMinutes < 1 ? $"{(int)age.TotalSeconds} s"
            : age.TotalHours < 1 ? $"{(int)age.TotalMinutes} min"
            : age.TotalDays < 1 ? $"{(int)age.TotalHours} h"
            : $"{(int)age.TotalDays} d";
        return string.Create(CultureInfo.InvariantCulture, $"{text} old");
    }
}
