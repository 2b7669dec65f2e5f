using Microsoft.AspNetCore.Http;

namespace Courier.Relay;

/// <summary>
/// The bound on fetches waiting for an envelope: each holds a request (and with NATS a
/// subscription) for up to a minute, so they are counted per client address and in total.
/// </summary>
internal sealed class LongPolls(RelayOptions options)
{
    private const int RetryAfterSeconds = 5;
    private readonly ConcurrencyLimit _held = new(options.MaxLongPolls, options.MaxLongPollsPerClient);

    /// <summary>Takes a place for the request's client address until disposed, or refuses: 429 <c>too_many_long_polls</c>, 503 <c>long_polls_full</c>.</summary>
    public IDisposable Enter(HttpContext ctx)
    {
        var client = ClientAddress.LimitKey(ctx.Connection.RemoteIpAddress);
        return _held.TryEnter(client) switch
        {
            Admission.ClientFull => throw new RelayProblem(429, "too_many_long_polls", $"this address holds {options.MaxLongPollsPerClient} waiting fetches already; fetch without wait or retry later") { RetryAfter = RetryAfterSeconds },
            Admission.Full => throw new RelayProblem(503, "long_polls_full", "the relay holds its maximum of waiting fetches; fetch without wait or retry later") { RetryAfter = RetryAfterSeconds },
            _ => new Place(_held, client),
        };
    }

    private sealed class Place(ConcurrencyLimit held, System.Net.IPAddress client) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                held.Exit(client);
            }
        }
    }
}
