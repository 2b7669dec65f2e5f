using Courier.Node.Contacts;
using Courier.Node.FirstContact;
using Courier.Relay.Client;
using Courier.Node.Wire;
using NSec.Cryptography;

namespace Courier.Node.Introductions;

/// <summary>
/// The offers two introduced parties exchange through the introduction's drops: XChaCha20-Poly1305
/// under the sender's offer key (<see cref="IntroductionSecrets.OfferKeyOf"/>) with a random nonce and
/// the introduction id as associated data; the offer inside is signed over the introduction's id and
/// the sender's role. Envelope content: <c>nonce (24) || ciphertext</c>.
/// </summary>
internal static class IntroductionOffers
{
    /// <summary>The frame kind of an offer answering an introduction.</summary>
    public const byte FrameKind = 0x20;

    private static readonly AeadAlgorithm Aead = AeadAlgorithm.XChaCha20Poly1305;

    /// <summary>Our signed, sealed and padded offer for <paramref name="statement"/>.</summary>
    public static (byte[] Envelope, byte[] Digest) Seal(IntroductionStatement statement, PairwiseIdentity ours)
    {
        var offer = ours.Offer(IntroductionSecrets.OfferContext(statement, statement.Role));
        var plaintext = offer.Encode();
        using var key = IntroductionSecrets.OfferKeyOf(statement, statement.Role);
        var content = new byte[Aead.NonceSize + plaintext.Length + Aead.TagSize];
        System.Security.Cryptography.RandomNumberGenerator.Fill(content.AsSpan(0, Aead.NonceSize));
        Aead.Encrypt(key, content.AsSpan(0, Aead.NonceSize), statement.Id, plaintext, content.AsSpan(Aead.NonceSize));
        return (EnvelopeFrame.Pad(FrameKind, content, EnvelopeSizes.All), offer.Digest());
    }

    /// <summary>The other party's verified offer in <paramref name="envelope"/>, or null when it is not one.</summary>
    public static ContactOffer? TryOpen(ReadOnlySpan<byte> envelope, IntroductionStatement statement)
    {
        var sender = IntroductionSecrets.Other(statement.Role);
        if (EnvelopeFrame.TryOpen(envelope) is not var (kind, content) || kind != FrameKind || content.Length < Aead.NonceSize + Aead.TagSize)
        {
            return null;
        }

        using var key = IntroductionSecrets.OfferKeyOf(statement, sender);
        var plaintext = new byte[content.Length - Aead.NonceSize - Aead.TagSize];
        return Aead.Decrypt(key, content.AsSpan(0, Aead.NonceSize), statement.Id, content.AsSpan(Aead.NonceSize), plaintext)
            ? FirstContactProtocol.OpenOffer(plaintext, IntroductionSecrets.OfferContext(statement, sender))
            : null;
    }
}
