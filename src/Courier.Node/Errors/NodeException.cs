namespace Courier.Node;

/// <summary>
/// A failure to show the user as it is: its <see cref="Exception.Message"/> is a complete sentence
/// that names no secret, and its type tells a program (the <c>courier</c> command's exit code or
/// JSON error) what went wrong. Caller bugs throw <see cref="ArgumentException"/> instead.
/// </summary>
public abstract class NodeException : Exception
{
    /// <summary>Creates the exception with a user-facing message.</summary>
    protected NodeException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <summary>A short stable identifier of the kind of failure, such as <c>wrong_passphrase</c>, for scripts.</summary>
    public abstract string ErrorCode { get; }
}
