using System.CommandLine;
using Courier.Node;

namespace Courier.Cli.Commands;

/// <summary><c>courier duress set</c>, and the duress options of <c>courier init</c> (docs/panic.md, "Duress").</summary>
internal static class DuressCommand
{
    public static readonly Option<bool> Wipe = new("--wipe")
    {
        Description = "Opening the node with the duress passphrase silently destroys the real vault first (its key and every record).",
    };

    public static readonly Option<FileInfo?> DuressPassphraseFile = new("--duress-passphrase-file")
    {
        Description = "Read the duress passphrase from this file (first line) instead of COURIER_DURESS_PASSPHRASE or a prompt.",
        HelpName = "file",
    };

    public static Command Create()
    {
        var set = new Command("set", "Set a duress passphrase: it opens a second vault, empty at first, that you prepare by running courier with that passphrase (add contacts, cells, messages as usual). The disk does not show whether a home has one. Setting it again replaces the decoy and deletes what it held.")
        {
            Wipe,
            DuressPassphraseFile,
        };
        set.SetAction(parse => CommandRunner.Run(() =>
        {
            var passphrase = NodeCommandOptions.Passphrase(parse, confirm: false);
            try
            {
                using var node = NodeCommandOptions.Open(parse);
                Set(parse, node, passphrase);
            }
            finally
            {
                Array.Clear(passphrase);
            }

            return Task.CompletedTask;
        }));
        return new Command("duress", "A second passphrase that opens a decoy vault (docs/panic.md).") { set };
    }

    /// <summary>Sets the duress passphrase that the command line gives on <paramref name="node"/>, opened with <paramref name="passphrase"/>.</summary>
    public static void Set(ParseResult parse, CourierNode node, char[] passphrase)
    {
        var duress = DuressPassphrase(parse);
        try
        {
            node.SetDuress(passphrase, duress, parse.GetValue(Wipe));
            Console.WriteLine(parse.GetValue(Wipe) ? "duress passphrase set; opening with it destroys this vault" : "duress passphrase set; open the node with it to prepare the decoy");
        }
        finally
        {
            Array.Clear(duress);
        }
    }

    private static char[] DuressPassphrase(ParseResult parse)
        => NodeCommandOptions.Secret(parse.GetValue(DuressPassphraseFile), "COURIER_DURESS_PASSPHRASE", "--duress-passphrase-file", "duress passphrase", confirm: true);
}
