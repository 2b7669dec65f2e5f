namespace Courier.Node.Relay;

/// <summary>
/// Calls to a relay through its outages: a call that fails with <see cref="RelayUnreachableException"/>
/// (the relay restarting, a dropped connection, 429 or 5xx) is repeated with growing pauses until
/// it succeeds, fails for another reason, or the time allowed has passed. Appends are repeated with
/// the same message id, so a retry never stores an envelope twice.
/// </summary>
internal static class RelayRetry
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(2);

    public static async Task<T> RunAsync<T>(Func<Task<T>> call, TimeSpan giveUpAfter, TimeProvider time, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var pause = FirstPause;
        while (true)
        {
            try
            {
                return await call().ConfigureAwait(false);
            }
            catch (RelayUnreachableException) when (time.GetElapsedTime(started) < giveUpAfter)
            {
                await Task.Delay(pause, time, cancellationToken).ConfigureAwait(false);
                pause = pause * 2 < LongestPause ? pause * 2 : LongestPause;
            }
        }
    }

    public static Task RunAsync(Func<Task> call, TimeSpan giveUpAfter, TimeProvider time, CancellationToken cancellationToken)
        => RunAsync(async () =>
        {
            await call().ConfigureAwait(false);
            return true;
        }, giveUpAfter, time, cancellationToken);
}
