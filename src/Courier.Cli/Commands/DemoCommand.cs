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
        var maps = new Option<DirectoryInfo?>("--maps")
        {
            Description = "Also write each person's organization map (person-N.map), sealed to --analyst, into this directory, for 'courier exposure --cascade'.",
            HelpName = "dir",
        };
        var analyst = new Option<string?>("--analyst") { Description = "The analyst key ('courier exposure --analyst-key') the maps are sealed to.", HelpName = "key" };
        demo.Options.Add(maps);
        demo.Options.Add(analyst);
        demo.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(async () =>
        {
            var (directory, key) = (parse.GetValue(maps), parse.GetValue(analyst)?.Trim());
            if ((directory is null) != (key is null) || (key is not null && (key.Length != 64 || !key.All(Uri.IsHexDigit))))
            {
                throw new UsageException("Give --maps with --analyst, the 64 hex digits 'courier exposure --analyst-key' prints.");
            }

            var code = await DemoRun.RunAsync(directory is null ? null : (directory, Convert.FromHexString(key!)), cancellationToken).ConfigureAwait(false);
            if (code != 0)
            {
                throw new DemoFailedException();
            }
        }));
        return demo;
    }

    /// <summary>An expectation of the demo failed (said above it).</summary>
    private sealed class DemoFailedException() : Courier.Node.NodeException("The demo's expectations did not all hold.")
    {
        public override string ErrorCode => "demo_failed";
    }
}
