namespace Courier.Node;

/// <summary>
/// The layer requires post-quantum cells (ciphersuite 0x0054, X-Wing) and a KeyPackage or an
/// invitation is of another ciphersuite; it was not used and nothing was changed.
/// </summary>
public sealed class PostQuantumRequiredException : NodeException
{
    /// <summary>Creates the exception.</summary>
    public PostQuantumRequiredException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <inheritdoc/>
    public override string ErrorCode => "post_quantum_required";
}
