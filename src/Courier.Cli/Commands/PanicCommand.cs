using System.CommandLine;
using Courier.Node;

namespace Courier.Cli.Commands;

/// <summary><c>courier panic</c>.</summary>
internal static class PanicCommand
{
    public static Command Create()
    {
        var panic = new Command("panic", "Destroy this node's vault at once, without the passphrase and without asking: its key file is overwritten and deleted and its database deleted, so nothing in it can be read again, by anyone. A running node of this home stops. There is no undo (docs/panic.md).");
        panic.SetAction(parse => CommandRunner.Run(() =>
        {
            var home = NodeCommandOptions.HomeOf(parse);
            Console.WriteLine(CourierNode.Panic(home) ? $"destroyed the vault in {home}" : $"{home} held no vault key; its vault files, if any, were deleted");
            return Task.CompletedTask;
        }));
        return panic;
    }
}
