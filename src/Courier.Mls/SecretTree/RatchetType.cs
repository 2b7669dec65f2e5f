namespace Courier.Mls.SecretTree;

/// <summary>RFC 9420 §9: the two hash ratchets of each leaf of the secret tree.</summary>
internal enum RatchetType
{
    /// <summary>Protects proposals and commits (content types proposal and commit).</summary>
    Handshake,

    /// <summary>Protects application messages.</summary>
    Application,
}
