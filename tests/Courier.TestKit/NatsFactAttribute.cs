namespace Courier.TestKit;

/// <summary>
/// A fact that needs the nats-server binary. tools/test.sh installs it and stops when it cannot, so the
/// README test command never skips these; only a bare <c>dotnet test</c> without nats-server does.
/// </summary>
public sealed class NatsFactAttribute : FactAttribute
{
    public NatsFactAttribute()
    {
        if (NatsServer.Binary is null)
        {
            Skip = NatsServer.MissingReason;
        }
    }
}
