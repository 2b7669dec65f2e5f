namespace Courier.Relay.Tests;

/// <summary>A fact that needs the nats-server binary; tools/test.sh installs it, so it is skipped (with this message) only where that was impossible.</summary>
public sealed class NatsFactAttribute : FactAttribute
{
    public NatsFactAttribute()
    {
        if (NatsServer.Binary is null)
        {
            Skip = "nats-server is not installed (Debian package nats-server; tools/test.sh installs it)";
        }
    }
}
