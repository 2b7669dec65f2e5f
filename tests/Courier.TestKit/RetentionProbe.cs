using Courier.Relay.Client;

namespace Courier.TestKit;

/// <summary>Waits for a relay process's retention: a probe envelope appended now; once retention deleted it, it deleted everything appended before.</summary>
public static class RetentionProbe
{
    /// <summary>Appends the probe and waits until it is gone (at most the retention and 90 s), running <paramref name="meanwhile"/> each round (else pausing 500 ms).</summary>
    public static async Task WaitAsync(Uri relay, TimeSpan retention, Func<Task>? meanwhile = null)
    {
        using var http = new HttpClient { BaseAddress = relay, Timeout = TimeSpan.FromSeconds(20) };
        var client = new RelayClient(http);
        using var key = DropReadKey.Create();
        using var appendKey = DropAppendKey.Create();
        var probe = DropName.NewRandom();
        await client.CreateDropAsync(probe, key, appendKey);
        await client.AppendAsync(probe, appendKey, new byte[EnvelopeSizes.Small], MessageId.NewRandom());
        var deadline = DateTime.UtcNow + retention + TimeSpan.FromSeconds(90);
        while ((await client.FetchAsync(probe, key, 0)).Envelopes.Count > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "retention did not delete the probe");
            await (meanwhile?.Invoke() ?? Task.Delay(500));
        }

        // NATS expires each shard on its own: a moment for the others.
        await Task.Delay(TimeSpan.FromSeconds(2));
    }
}
