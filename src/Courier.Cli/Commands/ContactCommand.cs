using System.CommandLine;
using System.Text.Json;
using Courier.Node;
using Courier.Node.Relay;
using Spectre.Console;

namespace Courier.Cli.Commands;

/// <summary><c>courier contact ...</c>: first contact by phrase, introductions, the contact list.</summary>
internal static class ContactCommand
{
    public static Command Create()
    {
        var contact = new Command("contact", "Contacts: first contact by a shared phrase, introductions, and the list of whom you know under which code name.");
        contact.Subcommands.Add(Invite());
        contact.Subcommands.Add(Accept());
        contact.Subcommands.Add(Introduce());
        contact.Subcommands.Add(Receive());
        contact.Subcommands.Add(List());
        return contact;
    }

    private static readonly Option<string?> CodeName = new("--code-name")
    {
        Description = "The code name this contact will know you by (default: a fresh random one; each contact sees a different one).",
        HelpName = "name",
    };

    private static Command Invite()
    {
        var phrase = new Option<string?>("--phrase") { Description = "A phrase agreed in person; without it, three random words are drawn.", HelpName = "text" };
        var invite = new Command("invite", "Start a first contact: prints a code <nameplate>-<words> to pass on, then waits (up to 10 minutes) for the other side to run 'courier contact accept <code>'. A wrong code fails both sides and burns the nameplate.")
        {
            NodeCommandOptions.Relay, phrase, CodeName,
        };
        invite.SetAction((parse, ct) => CommandRunner.RunAsync(async () =>
        {
            using var node = NodeCommandOptions.Open(parse);
            using var invitation = await node.InviteAsync(parse.GetValue(NodeCommandOptions.Relay)!, parse.GetValue(phrase), parse.GetValue(CodeName), ct).ConfigureAwait(false);
            Console.WriteLine($"code: {invitation.Code}");
            await Console.Error.WriteLineAsync("Give this code to the other side, by a channel you trust; waiting for them...").ConfigureAwait(false);
            await PrintAddedAsync(await invitation.CompleteAsync(ct).ConfigureAwait(false)).ConfigureAwait(false);
        }));
        return invite;
    }

    private static Command Accept()
    {
        var code = new Argument<string>("code") { Description = "The code the inviter gave you: <nameplate>-<words>." };
        var accept = new Command("accept", "Answer a first contact with the inviter's code.") { code, NodeCommandOptions.Relay, CodeName };
        accept.SetAction((parse, ct) => CommandRunner.RunAsync(async () =>
        {
            using var node = NodeCommandOptions.Open(parse);
            await PrintAddedAsync(await node.AcceptAsync(parse.GetValue(NodeCommandOptions.Relay)!, parse.GetValue(code)!, parse.GetValue(CodeName), ct).ConfigureAwait(false)).ConfigureAwait(false);
        }));
        return accept;
    }

    /// <summary>What both sides of a first contact print: the same fingerprint on each, to be compared.</summary>
    private static async Task PrintAddedAsync(Contact added)
    {
        Console.WriteLine($"added contact {added.Name}; they know you as {added.OurCodeName}");
        Console.WriteLine($"fingerprint: {added.Fingerprint}");
        await Console.Error.WriteLineAsync("The other side sees the same fingerprint: compare them over another channel (a different one means someone is in the middle).").ConfigureAwait(false);
    }

    private static Command Introduce()
    {
        var first = new Argument<string>("first") { Description = "A contact, by code name or id." };
        var second = new Argument<string>("second") { Description = "Another contact, by code name or id." };
        var introduce = new Command("introduce", "Vouch for two of your contacts to each other: each receives a statement signed by you through the relay both share and, after 'courier contact receive', holds the other as a contact introduced by you.")
        {
            first, second,
        };
        introduce.SetAction((parse, ct) => CommandRunner.RunAsync(async () =>
        {
            using var node = NodeCommandOptions.Open(parse);
            var notices = await node.IntroduceAsync(parse.GetValue(first)!, parse.GetValue(second)!, ct).ConfigureAwait(false);
            Console.WriteLine($"introduced {parse.GetValue(first)} and {parse.GetValue(second)}");
            await CommandRunner.SayAsync(notices).ConfigureAwait(false);
        }));
        return introduce;
    }

    private static Command Receive()
    {
        var receive = new Command("receive", "Fetch introductions from your contacts' dead drops (on the relays where each contact was made) and add the contacts they vouch for.");
        receive.SetAction((parse, ct) => CommandRunner.RunAsync(async () =>
        {
            using var node = NodeCommandOptions.Open(parse);
            var result = await node.ReceiveAsync(ct).ConfigureAwait(false);
            foreach (var added in result.Added)
            {
                Console.WriteLine($"added contact {added.Name}, introduced by {added.IntroducedByName}");
            }

            foreach (var waiting in result.WaitingCells)
            {
                Console.WriteLine($"waiting: {CellCommand.Printable(waiting)}");
            }

            await CommandRunner.SayAsync(result.Notices).ConfigureAwait(false);

            foreach (var rejected in result.Rejected)
            {
                await Console.Error.WriteLineAsync($"rejected: {rejected}").ConfigureAwait(false);
            }

            if (result.PendingIntroductions > 0)
            {
                Console.WriteLine($"{result.PendingIntroductions} introduction(s) wait for the other side");
            }
        }));
        return receive;
    }

    private static Command List()
    {
        var list = new Command("list", "List your contacts: their code name, the code name they know you by, the fingerprint (the same on their side) and who introduced them.") { NodeCommandOptions.Json };
        list.SetAction(parse => CommandRunner.Run(() =>
        {
            using var node = NodeCommandOptions.Open(parse);
            var contacts = node.Contacts;
            if (parse.GetValue(NodeCommandOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(contacts.Select(c => new
                {
                    id = c.Id,
                    code_name = c.Name,
                    our_code_name = c.OurCodeName,
                    fingerprint = c.Fingerprint,
                    introduced_by = c.IntroducedByName,
                    added_at = c.AddedAt,
                    relay = c.Relay,
                })));
                return Task.CompletedTask;
            }

            // The fingerprint is read aloud group by group: never wrapped inside.
            var table = new Table().AddColumns(new TableColumn("code name"), new TableColumn("knows you as"), new TableColumn("fingerprint").NoWrap(), new TableColumn("introduced by"));
            foreach (var c in contacts)
            {
                table.AddRow(Markup.Escape(c.Name), Markup.Escape(c.OurCodeName), c.Fingerprint, Markup.Escape(c.IntroducedByName ?? "-"));
            }

            AnsiConsole.Write(table);
            return Task.CompletedTask;
        }));
        return list;
    }
}
