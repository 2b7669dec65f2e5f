namespace Courier.TestKit;

/// <summary>A theory that needs the nats-server binary, skipped as <see cref="NatsFactAttribute"/> is.</summary>
public sealed class NatsTheoryAttribute : TheoryAttribute
{
    public NatsTheoryAttribute()
    {
        if (NatsServer.Binary is null)
        {
            Skip = NatsServer.MissingReason;
        }
    }
}
