using System.CommandLine;
using System.Text.Json;
using Courier.Node;
using Courier.Node.Bulletins;

namespace Courier.Cli.Commands;

/// <summary><c>courier bulletin verify</c>: checks a bulletin offline with nothing but its authority's public key (docs/bulletins.md).</summary>
internal static class BulletinCommand
{
    private const string Description = """
        Bulletins: an organization's signed publications (docs/bulletins.md).
        'courier bulletin verify FILE --key KEY' checks a bulletin file anywhere, offline and without a Courier home: a journalist or a court needs only the file and the authority's public key.
        """;

    public static Command Create()
    {
        var bulletin = new Command("bulletin", Description);
        bulletin.Subcommands.Add(Verify());
        return bulletin;
    }

    private static Command Verify()
    {
        var files = new Argument<FileInfo[]>("file") { Description = "A bulletin file; give several of one authority in the order they were published to check their sequence too.", Arity = ArgumentArity.OneOrMore };
        var key = new Option<string>("--key") { Description = "The authority's Ed25519 public key: 64 hex digits, as published by the organization.", HelpName = "hex", Required = true };
        var after = new Option<ulong>("--after") { Description = "The highest sequence number you have already seen from this authority: an earlier one is flagged as rolled back.", HelpName = "n" };
        var output = new Option<FileInfo?>("--out") { Description = "Write the content here (it must not exist yet), only when one file was given and every check passed.", HelpName = "file" };
        var verify = new Command("verify", """
            Check bulletin files and print each check: authority (issued by the key given), signature (Ed25519 over the header, which holds the SHA-256 of every chunk), content (every chunk matches), validity (issued, not expired, by this machine's clock), sequence (after --after and after the files before it: a replay, a roll-back or two bulletins with one number are flagged).
            Exit code 0 when every check of every file passed, 1 when one failed or a file is not a bulletin, 2 when called wrongly.
            """)
        {
            files, key, after, output, NodeCommandOptions.Json,
        };
        verify.SetAction(async (parse, ct) =>
        {
            var passed = true;
            var code = await CommandRunner.RunAsync(async () =>
            {
                var authority = ParseKey(parse.GetValue(key)!);
                var given = parse.GetValue(files)!;
                var target = parse.GetValue(output);
                if (target is not null && (given.Length != 1 || target.Exists))
                {
                    throw new UsageException(target.Exists ? $"{target.FullName} exists already: choose another name, or delete it first." : "--out takes the content of one bulletin: give one file.");
                }

                var history = new BulletinHistory(parse.GetValue(after));
                var results = new List<BulletinVerification>();
                foreach (var file in given)
                {
                    var verification = Read(file, await ReadAsync(file, ct).ConfigureAwait(false)).Verify(authority, DateTimeOffset.UtcNow, history);
                    history.Record(verification.Bulletin);
                    results.Add(verification);
                    passed &= verification.Passed;
                }

                Print(results, given, parse.GetValue(NodeCommandOptions.Json));
                if (target is not null && passed)
                {
                    await BundleCommand.WriteNewAsync(target, results[0].Bulletin.Content.ToArray(), ct).ConfigureAwait(false);
                    Console.WriteLine($"wrote the content to {target.Name}");
                }
            }).ConfigureAwait(false);
            return code == 0 && !passed ? 1 : code;
        });
        return verify;
    }

    private static void Print(List<BulletinVerification> results, FileInfo[] files, bool json)
    {
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(results.Select((r, i) => new
            {
                file = files[i].Name,
                id = r.Bulletin.Id,
                title = r.Bulletin.Header.Title,
                kind = r.Bulletin.Header.Kind.ToString().ToLowerInvariant(),
                sequence = r.Bulletin.Header.Sequence,
                issued_at = r.Bulletin.Header.IssuedAt,
                expires_at = r.Bulletin.Header.ExpiresAt,
                size = r.Bulletin.Header.ContentLength,
                passed = r.Passed,
                checks = r.Checks.Select(c => new { name = c.Name, passed = c.Passed, detail = c.Detail }),
            })));
            return;
        }

        for (var i = 0; i < results.Count; i++)
        {
            var header = results[i].Bulletin.Header;
            Console.WriteLine(CellCommand.Printable($"{files[i].Name}: \"{header.Title}\", {header.Kind.ToString().ToLowerInvariant()} number {header.Sequence}, issued {header.IssuedAt:u}, id {results[i].Bulletin.Id}"));
            foreach (var check in results[i].Checks)
            {
                Console.WriteLine($"  {(check.Passed ? "ok  " : "FAIL")}  {check.Name,-9}  {check.Detail}");
            }

            Console.WriteLine(results[i].Passed ? "  genuine: every check passed" : "  NOT TRUSTWORTHY: a check failed");
        }
    }

    private static byte[] ParseKey(string text)
    {
        try
        {
            var key = Convert.FromHexString(text.Trim());
            return key.Length == BulletinHeader.AuthorityKeySize ? key : throw new FormatException();
        }
        catch (FormatException)
        {
            throw new UsageException($"--key takes the authority's public key as {2 * BulletinHeader.AuthorityKeySize} hex digits.");
        }
    }

    private static Bulletin Read(FileInfo file, byte[] bytes)
    {
        try
        {
            return Bulletin.Read(bytes);
        }
        catch (BulletinRejectedException e)
        {
            throw new BulletinRejectedException(e.Check, $"{file.Name}: {e.Message}");
        }
    }

    private static async Task<byte[]> ReadAsync(FileInfo file, CancellationToken ct)
    {
        if (!file.Exists)
        {
            throw new UsageException($"{file.FullName} does not exist.");
        }

        if (file.Length > Bulletin.MaxFileSize)
        {
            throw new BulletinRejectedException(BulletinCheck.Format, $"{file.Name} is larger than any bulletin ({Bulletin.MaxFileSize:N0} bytes at most).");
        }

        return await File.ReadAllBytesAsync(file.FullName, ct).ConfigureAwait(false);
    }
}
