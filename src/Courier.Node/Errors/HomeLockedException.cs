namespace Courier.Node;

/// <summary>Another node (another process, or another open in this one) has the home directory open.</summary>
public sealed class HomeLockedException : NodeException
{
    /// <summary>Creates the exception.</summary>
    public HomeLockedException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <inheritdoc/>
    public override string ErrorCode => "home_locked";
}
