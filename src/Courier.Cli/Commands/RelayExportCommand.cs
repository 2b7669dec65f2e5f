using System.Buffers.Text;
using System.CommandLine;
using Courier.Relay.Bundles;
using Courier.Relay.Client;
using Courier.Relay.Storage;
using Courier.Relay.Storage.Sqlite;

namespace Courier.Cli.Commands;

/// <summary><c>courier relay export --data DIR --drop NAME... --for KEY... --to FILE</c>: chosen drops of a relay's store into a bundle (docs/bundles.md, "A relay's export").</summary>
internal static class RelayExportCommand
{
    public static Command Create()
    {
        var data = new Option<DirectoryInfo>("--data") { Description = "The relay's directory (its SQLite store); it may be running: the export only reads.", HelpName = "dir", Required = true };
        var drops = new Option<string[]>("--drop") { Description = "A drop to export, by its name (43 characters of base64url); repeat for each.", HelpName = "name", Required = true, AllowMultipleArgumentsPerToken = true };
        var relays = new Option<string[]>("--for") { Description = "The identity key of a relay that will import the bundle, as it prints it ('mix identity key: ...'); repeat for each.", HelpName = "key", Required = true, AllowMultipleArgumentsPerToken = true };
        var to = new Option<FileInfo>("--to") { Description = "The file to write (it must not exist yet).", HelpName = "file", Required = true };
        var export = new Command("export", "Write chosen drops of this relay into a bundle: each with its keys and its envelopes in order, under their message ids, sealed to the relays given (which create the drops they lack, each envelope once: 'courier relay import') and to the drops' members ('courier bundle import'). Nothing is removed here.")
        {
            data, drops, relays, to,
        };
        export.SetAction((parse, ct) => CommandRunner.RunAsync(async () =>
        {
            var file = parse.GetValue(to)!;
            if (file.Exists)
            {
                throw new UsageException($"{file.FullName} exists already: give another --to.");
            }

            var names = parse.GetValue(drops)!.Select(d => DropName.TryParse(d, out var name) ? name : throw new UsageException("Each --drop is a drop's name: 43 characters of base64url.")).ToList();
            var keys = parse.GetValue(relays)!.Select(k => Base64Url.IsValid(k, out var length) && length == 32 ? Base64Url.DecodeFromChars(k) : throw new UsageException("Each --for is a relay's identity key: the 43 characters it prints after 'mix identity key:'.")).ToList();
            var directory = parse.GetValue(data)!;
            if (!File.Exists(Path.Combine(directory.FullName, "relay.db")))
            {
                throw new UsageException($"{directory.FullName} holds no relay store (relay.db): give the --data of 'courier relay serve'.");
            }

            await using var store = SqliteDropStore.Open(directory.FullName, new DropStoreOptions());
            DropExport result;
            try
            {
                result = await DropExporter.ExportAsync(store, names, keys, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), ct).ConfigureAwait(false);
            }
            catch (InvalidOperationException e)
            {
                throw new UsageException(e.Message);
            }

            await BundleCommand.WriteNewAsync(file, result.Bundle, ct).ConfigureAwait(false);
            Console.WriteLine($"wrote {file.Name}: {names.Distinct().Count()} drop(s), {result.Envelopes} message(s), {result.Bundle.Length >> 10} KiB; nothing was removed from this relay");
        }));
        return export;
    }
}
