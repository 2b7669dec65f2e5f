using Courier.Node.Contacts;
using Courier.Node.FirstContact;
using Courier.Relay.Client;
using Courier.Node.Wire;
using NSec.Cryptography;

namespace Courier.Node.Introductions;

/// <summary>
/// The offers two introduced parties exchange through the introduction's drops, each a
/// <see cref="SealedEnvelope"/> under the sender's offer key (<see cref="IntroductionSecrets.OfferKeyOf"/>,
/// derived from the introduction) for the reader's drop; the offer inside is signed over the
/// introduction's id and the sender's role.
/// </summary>
internal static class IntroductionOffers
{
    /// <summary>The frame kind of an offer answering an introduction.</summary>
    public const byte FrameKind = 0x20;

    /// <summary>Our signed and sealed offer for <paramref name="statement"/>.</summary>
    public static (byte[] Envelope, byte[] Digest) Seal(IntroductionStatement statement, PairwiseIdentity ours)
    {
        var offer = ours.Offer(IntroductionSecrets.OfferContext(statement, statement.Role));
        using var key = IntroductionSecrets.OfferKeyOf(statement, statement.Role);
        var drop = IntroductionSecrets.DropOf(statement, IntroductionSecrets.Other(statement.Role));
        return (SealedEnvelope.Seal(key, drop, FrameKind, offer.Encode()), offer.Digest());
    }

    /// <summary>The other party's verified offer in <paramref name="envelope"/>, or null when it is not one.</summary>
    public static ContactOffer? TryOpen(ReadOnlySpan<byte> envelope, IntroductionStatement statement)
    {
        var sender = IntroductionSecrets.Other(statement.Role);
        using var key = IntroductionSecrets.OfferKeyOf(statement, sender);
        return SealedEnvelope.TryOpen(key, IntroductionSecrets.DropOf(statement, statement.Role), envelope) is (FrameKind, var plaintext)
            ? FirstContactProtocol.OpenOffer(plaintext, IntroductionSecrets.OfferContext(statement, sender))
            : null;
    }
}
