using Courier.Relay.Client;

namespace Courier.Node.Cells;

/// <summary>
/// Delivery to a relay: an envelope leaves the outbox only once the relay acknowledged it. Transient
/// failures (the relay restarting, a dropped connection) are retried with the same message id, so a
/// retry never stores the envelope twice.
/// </summary>
public static class Outbox
{
    /// <summary>How long delivery keeps retrying before it gives up.</summary>
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromMinutes(2);

    /// <summary>Runs <paramref name="append"/> until it succeeds, backing off between attempts.</summary>
    public static async Task<AppendReceipt> DeliverAsync(Func<Task<AppendReceipt>> append, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(append);
        var deadline = DateTimeOffset.UtcNow + GiveUpAfter;
        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            try
            {
                return await append().ConfigureAwait(false);
            }
            catch (Exception e) when (IsTransient(e) && DateTimeOffset.UtcNow < deadline)
            {
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
            }
        }
    }

    private static bool IsTransient(Exception e) => e switch
    {
        HttpRequestException => true,
        TaskCanceledException { InnerException: TimeoutException } => true,
        RelayRequestException r => r.Status is 429 or >= 500,
        _ => false,
    };
}
