using System.CommandLine;
using Courier.Node;

namespace Courier.Cli.Commands;

/// <summary><c>courier init</c>.</summary>
internal static class InitCommand
{
    public static Command Create()
    {
        var init = new Command("init", "Create a node: a home directory whose vault, protected by a passphrase (Argon2id), keeps every key, contact, code name and message encrypted.");
        init.SetAction(parse => CommandRunner.Run(() =>
        {
            var passphrase = NodeCommandOptions.Passphrase(parse, confirm: true);
            try
            {
                using var node = CourierNode.Init(NodeCommandOptions.HomeOf(parse), passphrase);
                Console.WriteLine($"created a node in {node.Home}");
            }
            finally
            {
                Array.Clear(passphrase);
            }

            return Task.CompletedTask;
        }));
        return init;
    }
}
