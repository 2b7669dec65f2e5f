using System.Security.Cryptography;

namespace Courier.Node.Contacts;

/// <summary>
/// A relationship both sides agreed on, not yet stored: our new identity for it, their verified offer,
/// the pairwise channel secret and our side of it, and who introduced them. Owns the identity and
/// the secret: dispose it (disposing twice, or also disposing the identity directly, is harmless).
/// </summary>
internal sealed class EstablishedContact(PairwiseIdentity ours, ContactOffer theirs, byte[] pairwiseSecret, bool weAreFirst) : IDisposable
{
    public PairwiseIdentity Ours { get; } = ours;

    public ContactOffer Theirs { get; } = theirs;

    public byte[] PairwiseSecret { get; } = pairwiseSecret;

    public bool WeAreFirst { get; } = weAreFirst;

    public byte[]? IntroducedBy { get; init; }

    public string IntroducedByName { get; init; } = string.Empty;

    public string IntroducedAs { get; init; } = string.Empty;

    public void Dispose()
    {
        Ours.Dispose();
        CryptographicOperations.ZeroMemory(PairwiseSecret);
    }

    /// <inheritdoc/>
    public override string ToString() => "EstablishedContact";
}
