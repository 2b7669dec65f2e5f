namespace Courier.Node;

/// <summary>Panic could not overwrite or delete a file of the home (permissions, a disk error); the message says whether the vault key may be left.</summary>
public sealed class PanicFailedException : NodeException
{
    /// <summary>Creates the exception.</summary>
    public PanicFailedException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <inheritdoc/>
    public override string ErrorCode => "panic_failed";
}
