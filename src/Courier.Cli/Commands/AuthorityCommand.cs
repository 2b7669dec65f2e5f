using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace Courier.Cli.Commands;

/// <summary><c>courier authority ...</c> and <c>courier bulletin publish</c>: authorities held by a council of nodes (docs/bulletins.md, "Councils").</summary>
internal static class AuthorityCommand
{
    public static Command Create()
    {
        var authority = new Command("authority", "Authorities held by a council: a FROST key split so that any K of its N members sign bulletins together and fewer cannot. One member creates it ('create'); each member approves what it signs ('approve'); the rounds run over the council's cell with 'courier sync'.");
        authority.Subcommands.Add(CreateCommand());
        authority.Subcommands.Add(List());
        authority.Subcommands.Add(Requests());
        authority.Subcommands.Add(Approve());
        return authority;
    }

    /// <summary><c>courier bulletin publish</c>.</summary>
    public static Command Publish()
    {
        var name = new Option<string>("--authority") { Description = "The authority, as 'courier authority list' names it.", Required = true };
        var file = new Option<FileInfo>("--file") { Description = "The document to publish (at most 64 MiB).", Required = true };
        var title = new Option<string?>("--title") { Description = "A short title (default: the file's name)." };
        var expires = new Option<string>("--expires") { Description = "How long it is valid: a number and h or d (12h, 30d).", DefaultValueFactory = _ => "30d" };
        var publish = new Command("publish", "Ask the authority's council to sign the document as its next bulletin. You approve it and commit now; K-1 other members approve it ('courier authority approve ID') and the signing completes with your syncs and theirs; the bulletin is then among yours ('courier bulletin list', 'read --file'). Example: courier bulletin publish --authority Centre --file orders.pdf --expires 7d") { name, file, title, expires };
        publish.SetAction(parse => CommandRunner.Run(async () =>
        {
            var validity = Duration(parse.GetValue(expires)!);
            var document = parse.GetValue(file)!;
            var content = await File.ReadAllBytesAsync(document.FullName).ConfigureAwait(false);
            using var node = NodeCommandOptions.Open(parse);
            var request = await node.PublishBulletinAsync(parse.GetValue(name)!, content, parse.GetValue(title) ?? document.Name, DateTimeOffset.UtcNow + validity).ConfigureAwait(false);
            Console.WriteLine($"request {request.Id}: bulletin number {request.Sequence} of {request.Authority}, id {request.BulletinId}; waiting for the council's approvals ('courier authority approve {request.Id[..8]}' on their nodes), then 'courier sync'");
        }));
        return publish;
    }

    private static Command CreateCommand()
    {
        var name = new Argument<string>("name") { Description = "The authority's name." };
        var cell = new Option<string>("--cell") { Description = "The council's cell: a cell you share with the members, where the signing rounds run.", Required = true };
        var threshold = new Option<int>("--threshold") { Description = "K: how many members sign together (2 to N).", Required = true };
        var members = new Option<string[]>("--member")
        {
            Description = "A member besides you, by the contact name you know them by (repeat; N is their number plus you). Each gets only its own share, sealed to them through the channel you share with them.",
            HelpName = "contact",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var create = new Command("create", "Deal a new authority's key K-of-N between you and the members (you keep share 1; the whole key is wiped once dealt) and follow its bulletins. Prints its public key, which readers verify its bulletins with. Example: courier authority create Centre --cell council --threshold 3 --member Anna --member Boris --member Vera --member Gleb") { name, cell, threshold, members };
        create.SetAction(parse => CommandRunner.Run(async () =>
        {
            using var node = NodeCommandOptions.Open(parse);
            var (authority, notices) = await node.CreateAuthorityAsync(parse.GetValue(name)!, parse.GetValue(cell)!, parse.GetValue(threshold), parse.GetValue(members)!).ConfigureAwait(false);
            Console.WriteLine($"authority {authority.Name}: key {authority.Key}; any {authority.Threshold} of {authority.Count} sign; each member was sent only its own share");
            await CommandRunner.SayAsync(notices).ConfigureAwait(false);
        }));
        return create;
    }

    private static Command List()
    {
        var list = new Command("list", "List the authorities this node holds a share of: name, public key, K of N, this share's number, the council's cell (never the share itself).") { NodeCommandOptions.Json };
        list.SetAction(parse => CommandRunner.Run(() =>
        {
            using var node = NodeCommandOptions.Open(parse);
            var held = node.CouncilAuthorities;
            if (parse.GetValue(NodeCommandOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(held.Select(a => new { name = a.Name, key = a.Key, threshold = a.Threshold, count = a.Count, number = a.Number, cell = a.Cell, last_approved = a.LastSequence })));
                return Task.CompletedTask;
            }

            var table = new Table().AddColumns("authority", "key", "k of n", "share", "cell", "last approved");
            foreach (var a in held)
            {
                table.AddRow(Markup.Escape(a.Name), a.Key, $"{a.Threshold} of {a.Count}", a.Number.ToString(CultureInfo.InvariantCulture), Markup.Escape(a.Cell), a.LastSequence.ToString(CultureInfo.InvariantCulture));
            }

            AnsiConsole.Write(table);
            return Task.CompletedTask;
        }));
        return list;
    }

    private static Command Requests()
    {
        var requests = new Command("requests", "List signing requests: yours (collecting commitments, signing, completed) and other members' waiting for your approval, with the bulletin's number, title, size and id.") { NodeCommandOptions.Json };
        requests.SetAction(parse => CommandRunner.Run(() =>
        {
            using var node = NodeCommandOptions.Open(parse);
            var all = node.SigningRequests;
            if (parse.GetValue(NodeCommandOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(all.Select(r => new { id = r.Id, authority = r.Authority, sequence = r.Sequence, title = r.Title, size = r.Size, bulletin = r.BulletinId, requester = r.Requester, status = Status(r.Status), round = r.Round, committed = r.Committed, excluded = r.Excluded })));
                return Task.CompletedTask;
            }

            var table = new Table().AddColumns("request", "authority", "number", "title", "size", "asked by", "status");
            foreach (var r in all)
            {
                var excluded = r.Excluded.Count == 0 ? string.Empty : $"; excluded: {string.Join(", ", r.Excluded)}";
                table.AddRow(r.Id, Markup.Escape(r.Authority), r.Sequence.ToString(CultureInfo.InvariantCulture), Markup.Escape(r.Title), r.Size.ToString(CultureInfo.InvariantCulture), Markup.Escape(r.Requester), Markup.Escape($"{Status(r.Status)} (round {r.Round}, {r.Committed} committed{excluded})"));
            }

            AnsiConsole.Write(table);
            return Task.CompletedTask;
        }));
        return requests;
    }

    private static Command Approve()
    {
        var id = new Argument<string>("request") { Description = "The request's id (at least its first 8 hex digits), as 'courier authority requests' shows it." };
        var approve = new Command("approve", "Consent to sign another member's request: your node stores its round-one nonces, posts its commitments to the council's cell, and signs the package once with 'courier sync' (and commits again by itself if the requester starts a later round of the same request). You will not approve a different bulletin with the same or a lower number afterwards.") { id };
        approve.SetAction(parse => CommandRunner.Run(async () =>
        {
            using var node = NodeCommandOptions.Open(parse);
            await node.ApproveSigningAsync(parse.GetValue(id)!).ConfigureAwait(false);
            Console.WriteLine("approved: your commitments are posted; 'courier sync' signs once the requester chose the signers");
        }));
        return approve;
    }

    private static string Status(Courier.Node.Council.SigningStatus status) => status switch
    {
        Courier.Node.Council.SigningStatus.AwaitingApproval => "awaiting your approval",
        Courier.Node.Council.SigningStatus.Collecting => "collecting commitments",
        Courier.Node.Council.SigningStatus.Signing => "waiting for signature shares",
        _ => "completed",
    };

    private static TimeSpan Duration(string text)
    {
        var unit = text.Length > 1 ? text[^1] switch { 'h' => 3600L, 'd' => 86400L, _ => 0L } : 0L;
        return unit > 0 && long.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count is > 0 and <= 36500
            ? TimeSpan.FromSeconds(count * unit)
            : throw new UsageException($"--expires '{text}' is not a validity: give a number and h or d (12h, 30d).");
    }
}
