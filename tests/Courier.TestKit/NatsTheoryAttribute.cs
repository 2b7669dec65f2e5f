namespace Courier.TestKit;

/// <summary>A theory that needs the nats-server binary, skipped as <see cref="NatsFactAttribute"/> is.</summary>
public sealed class NatsTheoryAttribute : TheoryAttribute
{
    public NatsTheoryAttribute()
    {
        if (NatsServer.Binary is null)
        {
            Skip = "nats-server is not installed: run tools/test.sh, which installs the Debian package";
        }
    }
}
