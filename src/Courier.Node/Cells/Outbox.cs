using Courier.Relay.Client;

namespace Courier.Node.Cells;

/// <summary>
/// Talking to a relay through its outages: an envelope leaves the outbox only once the relay
/// acknowledged it, and transient failures (the relay restarting, a dropped connection, 429 or 5xx)
/// are retried, appends with the same message id so that a retry never stores an envelope twice.
/// </summary>
public static class Outbox
{
    /// <summary>How long delivery keeps retrying before it gives up.</summary>
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromMinutes(2);

    /// <summary>Runs <paramref name="call"/> until it succeeds or fails for good, backing off between attempts.</summary>
    public static Task<T> RetryAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken) => RetryAsync(call, GiveUpAfter, cancellationToken);

    /// <summary>Runs <paramref name="call"/> until it succeeds, fails for good, or <paramref name="giveUpAfter"/> has passed.</summary>
    public static async Task<T> RetryAsync<T>(Func<Task<T>> call, TimeSpan giveUpAfter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var deadline = DateTimeOffset.UtcNow + giveUpAfter;
        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            try
            {
                return await call().ConfigureAwait(false);
            }
            catch (Exception e) when (IsTransient(e) && DateTimeOffset.UtcNow < deadline)
            {
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
            }
        }
    }

    internal static bool IsTransient(Exception e) => e switch
    {
        HttpRequestException => true,
        TaskCanceledException { InnerException: TimeoutException } => true,
        RelayRequestException r => r.Status is 429 or >= 500,
        _ => false,
    };
}
