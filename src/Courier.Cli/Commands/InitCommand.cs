using System.CommandLine;
using Courier.Node;

namespace Courier.Cli.Commands;

/// <summary><c>courier init</c>.</summary>
internal static class InitCommand
{
    private static readonly Option<int> Argon2Memory = new("--argon2-memory")
    {
        Description = "Memory Argon2id uses to stretch the passphrase, in MiB. Lower values make each guess of the passphrase cheaper for whoever holds the vault: lower it only for a device that cannot spare the memory, or for tests.",
        HelpName = "MiB",
        DefaultValueFactory = _ => (int)(VaultKdfParameters.Default.MemoryKiB / 1024),
        Validators = { result => Within(result, 1, (int)(VaultKdfParameters.MaxMemoryKiB / 1024), "MiB") },
    };

    private static readonly Option<int> Argon2Passes = new("--argon2-passes")
    {
        Description = "Passes Argon2id makes over that memory; more passes make unlocking, and each guess, slower.",
        HelpName = "n",
        DefaultValueFactory = _ => (int)VaultKdfParameters.Default.Passes,
        Validators = { result => Within(result, 1, (int)VaultKdfParameters.MaxPasses, "passes") },
    };

    private static readonly Option<bool> Duress = new("--duress")
    {
        Description = "Also set a duress passphrase (from COURIER_DURESS_PASSPHRASE, --duress-passphrase-file or a prompt) that opens a decoy vault; see 'courier duress set'.",
    };

    public static Command Create()
    {
        var init = new Command("init", "Create a node: a home directory whose vault, protected by a passphrase (Argon2id), keeps every key, contact, code name and message encrypted. The Argon2id cost is kept in the vault and used every time it is unlocked.")
        {
            Argon2Memory,
            Argon2Passes,
            Duress,
            DuressCommand.Wipe,
            DuressCommand.DuressPassphraseFile,
        };
        init.SetAction(parse => CommandRunner.Run(() =>
        {
            var kdf = new VaultKdfParameters(parse.GetValue(Argon2Memory) * 1024L, parse.GetValue(Argon2Passes));
            if (parse.GetValue(DuressCommand.Wipe) && !parse.GetValue(Duress))
            {
                throw new UsageException("--wipe needs --duress.");
            }

            var passphrase = NodeCommandOptions.Passphrase(parse, confirm: true);
            try
            {
                using var node = CourierNode.Init(NodeCommandOptions.HomeOf(parse), passphrase, new NodeOptions { Kdf = kdf });
                Console.WriteLine($"created a node in {node.Home}");
                if (parse.GetValue(Duress))
                {
                    DuressCommand.Set(parse, node, passphrase);
                }
            }
            finally
            {
                Array.Clear(passphrase);
            }

            return Task.CompletedTask;
        }));
        return init;
    }

    private static void Within(System.CommandLine.Parsing.OptionResult result, int min, int max, string unit)
    {
        var value = result.GetValueOrDefault<int>();
        if (value < min || value > max)
        {
            result.AddError($"{result.Option.Name} must be between {min} and {max} {unit}, not {value}.");
        }
    }
}
