namespace Courier.Node;

/// <summary>A council cannot be formed or a signing cannot be started or approved (docs/bulletins.md, "Councils"); nothing was sent.</summary>
public sealed class CouncilRefusedException : NodeException
{
    /// <summary>Creates the exception.</summary>
    public CouncilRefusedException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <inheritdoc/>
    public override string ErrorCode => "council_refused";
}
