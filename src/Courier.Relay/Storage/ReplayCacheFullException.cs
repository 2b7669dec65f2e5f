namespace Courier.Relay.Storage;

/// <summary>The replay cache holds as many live nonces as it may; signed requests must wait.</summary>
public sealed class ReplayCacheFullException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ReplayCacheFullException()
        : base("The replay cache is full.")
    {
    }
}
