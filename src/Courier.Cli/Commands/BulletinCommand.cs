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
        A member's node keeps the bulletins of the authorities it follows:
          1. 'courier bulletin follow NAME --key KEY' once, with the key the organization gave you (compare it in person).
          2. 'courier bulletin import FILE...' for bulletins carried by hand; each is checked and kept once, however many times it arrives.
          3. 'courier bulletin list' and 'courier bulletin read ID --out FILE'.
        """;

    public static Command Create()
    {
        var bulletin = new Command("bulletin", Description);
        bulletin.Subcommands.Add(Verify());
        bulletin.Subcommands.Add(Follow());
        bulletin.Subcommands.Add(Import());
        bulletin.Subcommands.Add(List());
        bulletin.Subcommands.Add(ReadCommand());
        bulletin.Subcommands.Add(AuthorityCommand.Publish());
        return bulletin;
    }

    private static Command Verify()
    {
        var files = new Argument<FileInfo[]>("file") { Description = "A bulletin file; give several of one authority in the order they were published to check their sequence too.", Arity = ArgumentArity.OneOrMore };
        var key = KeyOption();
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

    private static Command Follow()
    {
        var name = new Argument<string>("name") { Description = "What to call the authority here, such as Centre." };
        var key = KeyOption();
        var follow = new Command("follow", "Accept bulletins signed by this authority's key from now on. Get the key from the organization in person or through a channel you trust: whoever gives you a false key can publish to you in the organization's name.")
        {
            name, key,
        };
        follow.SetAction(parse => CommandRunner.Run(() =>
        {
            var authority = ParseKey(parse.GetValue(key)!);
            using var node = NodeCommandOptions.Open(parse);
            var followed = node.FollowAuthority(parse.GetValue(name)!, authority);
            Console.WriteLine(CellCommand.Printable($"following {followed.Name}: bulletins signed by {followed.Key} are accepted"));
            return Task.CompletedTask;
        }));
        return follow;
    }

    private static Command Import()
    {
        var files = new Argument<FileInfo[]>("file") { Description = "Bulletin files, in any order.", Arity = ArgumentArity.OneOrMore };
        var import = new Command("import", "Check bulletin files against the authorities this node follows and keep those that pass, each once. Files are taken in order of their numbers; one that fails a check is refused with the check named (exit code 1), and the others are still kept.")
        {
            files,
        };
        import.SetAction((parse, ct) => CommandRunner.RunAsync(async () =>
        {
            var given = parse.GetValue(files)!;
            var bulletins = new List<(FileInfo File, byte[] Bytes, ulong Sequence)>();
            BulletinRejectedException? refused = null;
            foreach (var file in given)
            {
                var bytes = await ReadAsync(file, ct).ConfigureAwait(false);
                try
                {
                    bulletins.Add((file, bytes, Read(file, bytes).Header.Sequence));
                }
                catch (BulletinRejectedException e)
                {
                    await Console.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
                    refused = e;
                }
            }

            using var node = NodeCommandOptions.Open(parse);
            foreach (var (file, bytes, _) in bulletins.OrderBy(b => b.Sequence))
            {
                try
                {
                    var (bulletin, isNew) = node.AcceptBulletin(bytes);
                    Console.WriteLine(CellCommand.Printable(isNew
                        ? $"{file.Name}: accepted \"{bulletin.Title}\" from {bulletin.Authority}, number {bulletin.Sequence}, id {bulletin.Id[..16]}"
                        : $"{file.Name}: already here (number {bulletin.Sequence} from {bulletin.Authority})"));
                }
                catch (BulletinRejectedException e)
                {
                    await Console.Error.WriteLineAsync($"{file.Name}: {e.Message}").ConfigureAwait(false);
                    refused = e;
                }
            }

            if (refused is not null)
            {
                throw new BulletinRejectedException(refused.Check, "A bulletin was refused (above); the others were kept.");
            }
        }));
        return import;
    }

    private static Command List()
    {
        var list = new Command("list", "The bulletins this node accepted, by authority and number, and the authorities it follows.") { NodeCommandOptions.Json };
        list.SetAction(parse => CommandRunner.Run(() =>
        {
            using var node = NodeCommandOptions.Open(parse);
            var now = DateTimeOffset.UtcNow;
            if (parse.GetValue(NodeCommandOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    authorities = node.Authorities.Select(a => new { name = a.Name, key = a.Key, latest = a.Latest }),
                    bulletins = node.Bulletins.Select(b => new { id = b.Id, authority = b.Authority, sequence = b.Sequence, kind = b.Kind.ToString().ToLowerInvariant(), title = b.Title, issued_at = b.IssuedAt, expires_at = b.ExpiresAt, size = b.Size, expired = now >= b.ExpiresAt }),
                }));
                return Task.CompletedTask;
            }

            foreach (var a in node.Authorities)
            {
                Console.WriteLine(CellCommand.Printable($"authority {a.Name}  key {a.Key}  latest number {a.Latest}"));
            }

            foreach (var b in node.Bulletins)
            {
                Console.WriteLine(CellCommand.Printable($"{b.Id[..16]}  {b.Authority} #{b.Sequence}  \"{b.Title}\"  {b.Size:N0} bytes  issued {b.IssuedAt:u}{(now >= b.ExpiresAt ? "  (expired)" : string.Empty)}"));
            }

            if (node.Authorities.Count == 0)
            {
                Console.WriteLine("this node follows no authority ('courier bulletin follow NAME --key KEY')");
            }

            return Task.CompletedTask;
        }));
        return list;
    }

    private static Command ReadCommand()
    {
        var id = new Argument<string>("id") { Description = "The bulletin's id, or its first 8 or more hex digits ('courier bulletin list')." };
        var output = new Option<FileInfo>("--out") { Description = "Where to write the content (it must not exist yet).", HelpName = "file" };
        var file = new Option<FileInfo>("--file") { Description = "Where to write the whole signed bulletin, to pass on or to verify elsewhere (it must not exist yet).", HelpName = "file" };
        var read = new Command("read", "Write an accepted bulletin's content (--out), or the signed bulletin itself (--file) for anyone to check with 'courier bulletin verify'.")
        {
            id, output, file,
        };
        read.SetAction((parse, ct) => CommandRunner.RunAsync(async () =>
        {
            var content = parse.GetValue(output);
            var signed = parse.GetValue(file);
            if (content is null && signed is null)
            {
                throw new UsageException("Give --out FILE for the content, --file FILE for the signed bulletin, or both.");
            }

            foreach (var target in new[] { content, signed }.OfType<FileInfo>().Where(t => t.Exists))
            {
                throw new UsageException($"{target.FullName} exists already: choose another name, or delete it first.");
            }

            using var node = NodeCommandOptions.Open(parse);
            var bytes = node.BulletinFile(parse.GetValue(id)!);
            if (signed is not null)
            {
                await BundleCommand.WriteNewAsync(signed, bytes, ct).ConfigureAwait(false);
            }

            if (content is not null)
            {
                await BundleCommand.WriteNewAsync(content, Bulletin.Read(bytes).Content.ToArray(), ct).ConfigureAwait(false);
            }

            Console.WriteLine($"wrote {string.Join(" and ", new[] { content, signed }.OfType<FileInfo>().Select(f => f.Name))}");
        }));
        return read;
    }

    private static Option<string> KeyOption() => new("--key") { Description = "The authority's Ed25519 public key: 64 hex digits, as published by the organization.", HelpName = "hex", Required = true };

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
