namespace Courier.Node;

/// <summary>A bulletin was refused: <see cref="Check"/> names the check it failed (docs/bulletins.md, "Verifying").</summary>
public sealed class BulletinRejectedException : NodeException
{
    /// <summary>Creates the exception.</summary>
    public BulletinRejectedException(string check, string message)
        : base(message) => Check = check;

    /// <summary>The check that failed, one of <see cref="Bulletins.BulletinCheck"/>'s names.</summary>
    public string Check { get; }

    /// <inheritdoc/>
    public override string ErrorCode => "bulletin_rejected";
}
