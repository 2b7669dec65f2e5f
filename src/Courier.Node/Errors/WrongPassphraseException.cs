namespace Courier.Node;

/// <summary>The passphrase does not open the vault. Nothing was read or changed.</summary>
public sealed class WrongPassphraseException : NodeException
{
    /// <summary>Creates the exception.</summary>
    public WrongPassphraseException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <inheritdoc/>
    public override string ErrorCode => "wrong_passphrase";
}
