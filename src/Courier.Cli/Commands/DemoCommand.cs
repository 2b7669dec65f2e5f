using System.CommandLine;
using Courier.Cli.Demo;

namespace Courier.Cli.Commands;

/// <summary><c>courier demo</c>.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var demo = new Command(
            "demo",
            "Run an organization on embedded relays: two layers of two cells of five members, one liaison. "
            + "Shows who could read what, checks that nothing crossed a cell or layer unasked, and cleans up. Exits 1 if an expectation fails.");
        demo.SetAction((_, cancellationToken) => DemoRun.RunAsync(cancellationToken));
        return demo;
    }
}
