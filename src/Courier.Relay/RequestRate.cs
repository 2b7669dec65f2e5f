using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;

namespace Courier.Relay;

/// <summary>
/// The per-address request rate (<see cref="RelayOptions.RequestsPerSecondPerClient"/>, a token bucket):
/// one token per request, taken by the rate-limiting middleware, and one more per packet after the first
/// of a mix batch, so that batching is not a way around it.
/// </summary>
internal sealed class RequestRate
{
    private readonly int _rate;

    public RequestRate(RelayOptions options)
    {
        int rate = _rate = options.RequestsPerSecondPerClient;
        Limiter = rate <= 0 ? null : PartitionedRateLimiter.Create<HttpContext, IPAddress>(ctx => RateLimitPartition.GetTokenBucketLimiter(
            ClientAddress.LimitKey(ctx.Connection.RemoteIpAddress),
            _ => new TokenBucketRateLimiterOptions { TokenLimit = rate, TokensPerPeriod = rate, ReplenishmentPeriod = TimeSpan.FromSeconds(1), QueueLimit = 0, AutoReplenishment = true }));
    }

    /// <summary>The limiter, or null when the rate is not limited.</summary>
    public PartitionedRateLimiter<HttpContext>? Limiter { get; }

    /// <summary>Takes <paramref name="count"/> more tokens from the address of <paramref name="ctx"/>, or refuses the request (429 <c>rate_limited</c>).</summary>
    public void TakeMore(HttpContext ctx, int count)
    {
        if (Limiter is null || count <= 0)
        {
            return;
        }

        // More than the bucket holds is never granted (and the limiter would throw).
        using var lease = count < _rate ? Limiter.AttemptAcquire(ctx, count) : null;
        if (lease is not { IsAcquired: true })
        {
            int? retryAfter = lease is not null && lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? (int)Math.Ceiling(after.TotalSeconds) : null;
            throw new RelayProblem(429, "rate_limited", "too many requests from this address; slow down") { RetryAfter = retryAfter ?? 1 };
        }
    }
}
