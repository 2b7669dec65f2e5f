using Courier.Node;

namespace Courier.Cli.Commands;

/// <summary>
/// Runs a command body and turns its failures into one line on stderr and an exit code:
/// 0 success, 1 the operation failed (wrong passphrase, unknown contact, relay unreachable, ...),
/// 2 the command was called wrongly.
/// </summary>
internal static class CommandRunner
{
    /// <summary>What the node wants the user to know (fell behind, a message that waits or was set aside), one line each on stderr, marked <c>notice:</c>.</summary>
    public static async Task SayAsync(IEnumerable<string> notices)
    {
        foreach (var notice in notices)
        {
            await Console.Error.WriteLineAsync($"notice: {CellCommand.Printable(notice)}").ConfigureAwait(false);
        }
    }

    public static int Run(Func<Task> body) => RunAsync(body).GetAwaiter().GetResult();

    public static async Task<int> RunAsync(Func<Task> body)
    {
        try
        {
            await body().ConfigureAwait(false);
            return 0;
        }
        catch (NodeException e)
        {
            await Console.Error.WriteLineAsync($"error ({e.ErrorCode}): {e.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (Courier.Relay.Client.Bundles.BundleException e)
        {
            await Console.Error.WriteLineAsync($"error (bundle_refused): {e.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (Exception e) when (e is UsageException or ArgumentException)
        {
            var message = e is ArgumentException { ParamName: { } name } ? e.Message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal) : e.Message;
            await Console.Error.WriteLineAsync($"error: {message}").ConfigureAwait(false);
            return 2;
        }
    }
}
