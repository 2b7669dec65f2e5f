namespace Courier.Node;

/// <summary>
/// A file being sent changed on disk before one of its chunks, which a commit made late, could be
/// sent again: the receivers will not have the file whole. Send it again.
/// </summary>
public sealed class FileChangedException : NodeException
{
    /// <summary>Creates the exception.</summary>
    public FileChangedException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <inheritdoc/>
    public override string ErrorCode => "file_changed";
}
