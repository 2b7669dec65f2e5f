namespace Courier.Node.Tests;

/// <summary>What a child process started by a test does (filled in with the vault tests).</summary>
internal static class ChildProcess
{
    public static int Run(string[] args) => args.Length == 0 ? 0 : 2;
}
