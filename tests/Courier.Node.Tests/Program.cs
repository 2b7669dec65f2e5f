namespace Courier.Node.Tests;

/// <summary>
/// The test assembly's entry point. The test runner never calls it; tests that need a second
/// process start this assembly with arguments that select a <see cref="ChildProcess"/> mode.
/// </summary>
public static class Program
{
    public static int Main(string[] args) => ChildProcess.Run(args);
}
