using VaultStore = Courier.Node.Storage.Vault;
using System.Diagnostics;
using System.Text;
using Courier.Node.Storage;

namespace Courier.Node.Tests;

/// <summary>
/// Modes of a second process running this test assembly (see <see cref="Program"/>), for the
/// properties one process cannot show about itself: an exclusive lock held by another process,
/// and a process killed in the middle of writing.
/// </summary>
internal static class ChildProcess
{
    public const int ExitOpened = 0;
    public const int ExitLocked = 10;
    public const int ExitDestroyed = 11;

    public static int Run(string[] args)
    {
        switch (args)
        {
            case ["open", var home, var passphrase]:
                // Tries to open the vault once and reports how it went through the exit code.
                try
                {
                    using var vault = VaultStore.Open(home, passphrase);
                    return ExitOpened;
                }
                catch (HomeLockedException)
                {
                    return ExitLocked;
                }

            case ["write-forever", var home, var passphrase]:
                // Commits one record after another and prints each id once its commit returned,
                // until the parent kills it.
                using (var vault = VaultStore.Open(home, passphrase))
                {
                    for (var i = 0; ; i++)
                    {
                        var id = VaultStore.NewId();
                        using (var transaction = vault.Begin())
                        {
                            transaction.Put(VaultCollection.Contact, id, Encoding.UTF8.GetBytes($"record {i} " + new string('x', i % 3000)));
                            transaction.Commit();
                        }

                        Console.Out.WriteLine(Convert.ToHexString(id));
                        Console.Out.Flush();
                    }
                }

            case ["hold-until-destroyed", var home, var passphrase]:
                // A running node: opens the home, says so, and goes on syncing until its vault is destroyed (courier panic from another process).
                using (var node = CourierNode.Open(home, passphrase, TestNodes.BaseOptions()))
                {
                    Console.Out.WriteLine("opened");
                    Console.Out.Flush();
                    // Syncs as 'courier run' does, paced, until destroyed; a minute without it fails the test.
                    for (var alive = Stopwatch.StartNew(); alive.Elapsed < TimeSpan.FromMinutes(1);)
                    {
                        try
                        {
                            node.SyncAsync().GetAwaiter().GetResult();
                        }
                        catch (VaultDestroyedException e)
                        {
                            Console.Out.WriteLine(e.ErrorCode);
                            return ExitDestroyed;
                        }

                        Thread.Sleep(10);
                    }

                    return 1;
                }

            default:
                return 2;
        }
    }

    /// <summary>Starts this assembly as a child process in <paramref name="mode"/>.</summary>
    public static Process Start(params string[] arguments)
    {
        var dotnet = Environment.ProcessPath is { } path && System.IO.Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
        var info = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("exec");
        info.ArgumentList.Add(typeof(ChildProcess).Assembly.Location);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info) ?? throw new InvalidOperationException("The child process did not start.");
    }
}
