using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Courier.Mls.Crypto;
using Courier.Node.Contacts;
using Courier.Node.Cpace;
using Courier.Node.Relay;
using Courier.Node.Wire;

namespace Courier.Node.FirstContact;

/// <summary>
/// First contact by phrase (docs/node.md, "First contact"): CPACE-RISTR255-SHA512 in the
/// initiator-responder setting over a relay's nameplate, with the secret of the invitation code as
/// PRS, followed by key confirmation and the exchange of sealed, signed contact offers:
/// <code>
/// inviter → Hello   sid, Ya
/// acceptor → Reply  Yb, reply_tag, seal(offer B)
/// inviter → Confirm confirm_tag, seal(offer A)        (or Abort: the code was wrong)
/// acceptor → Ack    ack_tag                          (or Abort)
/// </code>
/// The acceptor sends Ack and then stores the contact; the inviter stores it on Ack and releases
/// (burns) the nameplate whatever the outcome. So if the relay refuses the Ack (a full or expired
/// nameplate), neither side stores anything.
/// </summary>
internal static class FirstContactProtocol
{
    public const int SidSize = 16;

    /// <summary>ADa: the inviter's associated data; the roles are fixed, so a party never plays both (§9.1.2 of the draft).</summary>
    public static readonly byte[] InviterAd = "courier inviter"u8.ToArray();

    public static readonly byte[] AcceptorAd = "courier acceptor"u8.ToArray();

    /// <summary>CI = lv_cat("courier first contact v1", nameplate): binds the run to this protocol and this nameplate.</summary>
    public static byte[] ChannelIdentifier(int nameplate)
        => CPaceStrings.LvCat("courier first contact v1"u8.ToArray(), Encoding.ASCII.GetBytes(nameplate.ToString(CultureInfo.InvariantCulture)));

    /// <summary>PRS: the UTF-8 bytes of the normalized secret. The caller wipes them.</summary>
    public static byte[] Password(InvitationCode code) => Encoding.UTF8.GetBytes(code.Secret);

    /// <summary>
    /// Runs the acceptor's side to the end. <paramref name="store"/> gets the Ack to post before it
    /// commits, so that nothing is stored unless the relay took the Ack.
    /// </summary>
    public static async Task<Contact> AcceptAsync(
        IRelay relay,
        InvitationCode code,
        ContactStore store,
        string? codeName,
        NodeOptions options,
        CipherSuiteId suite,
        CancellationToken cancellationToken)
    {
        // Joining takes the nameplate's acceptor side; if a stranger took it first, this throws InterferenceException.
        var claim = await relay.JoinNameplateAsync(code.Nameplate, cancellationToken).ConfigureAwait(false);
        var channel = new FirstContactChannel(relay, claim, options.Time, options.Time.GetUtcNow() + options.FirstContactTimeout);
        var hello = await channel.ReadAsync(FirstContactKind.Hello, fromInviter: true, cancellationToken).ConfigureAwait(false)
            ?? throw new FirstContactFailedException("The inviter abandoned the invitation. Nothing was stored.");
        if (hello.Length != SidSize + CPaceRistretto255.FieldSizeBytes)
        {
            throw new FirstContactFailedException("The invitation's first message is malformed. Nothing was stored.");
        }

        var sid = hello[..SidSize];
        var ya = hello[SidSize..];
        var prs = Password(code);
        CPaceParty party;
        try
        {
            party = CPaceParty.Start(CPaceRole.B, CPaceMode.InitiatorResponder, prs, ChannelIdentifier(code.Nameplate), sid, AcceptorAd);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(prs);
        }

        byte[]? isk = null;
        try
        {
            var transcript = party.Transcript(ya, InviterAd);
            isk = party.Finish(ya, InviterAd);
            if (isk is null)
            {
                // Ya does not decode or is the identity: CPace MUST abort (draft §6.2, §7.3).
                await channel.AbortAsync(inviter: false, cancellationToken).ConfigureAwait(false);
                throw new FirstContactFailedException("The inviter sent an invalid key share. Nothing was stored.");
            }

            using var keys = FirstContactKeys.Derive(isk, sid, transcript);
            using var ours = PairwiseIdentity.Create(codeName, options, suite);
            var offer = ours.Offer(keys.OfferContext(inviter: false)).Encode();
            var replyTag = keys.ReplyTag();
            var sealedOffer = keys.SealReply(offer);
            await channel.PostAsync(FirstContactKind.Reply, (byte[])[.. party.Share, .. replyTag, .. sealedOffer], cancellationToken).ConfigureAwait(false);

            byte[]? confirm;
            try
            {
                confirm = await channel.ReadAsync(FirstContactKind.Confirm, fromInviter: true, cancellationToken).ConfigureAwait(false);
            }
            catch (InvitationUnavailableException e)
            {
                // Only the inviter can release the nameplate, and it does when our reply fails its check; it would not otherwise before confirming.
                throw channel.Interfered
                    ? channel.Mismatch()
                    : new WrongCodeException("The inviter closed the invitation without confirming the code: most likely the two sides used different codes (or the invitation expired). Nothing was stored; ask for a new invitation.", e);
            }

            if (confirm is null)
            {
                throw channel.Mismatch();
            }

            if (confirm.Length < FirstContactKeys.TagSize || !keys.CheckConfirmTag(confirm.AsSpan(0, FirstContactKeys.TagSize)))
            {
                await channel.AbortAsync(inviter: false, cancellationToken).ConfigureAwait(false);
                throw channel.Mismatch();
            }

            var theirs = OpenOffer(keys.OpenConfirm(confirm.AsSpan(FirstContactKeys.TagSize)), keys.OfferContext(inviter: true));
            if (theirs is null)
            {
                await channel.AbortAsync(inviter: false, cancellationToken).ConfigureAwait(false);
                throw new FirstContactFailedException("The inviter's contact details did not verify. Nothing was stored.");
            }

            using var established = new EstablishedContact(ours, theirs, keys.PairwiseSecret(), weAreFirst: false);
            var ack = keys.AckTag();
            return await store(established, ct => channel.PostAsync(FirstContactKind.Ack, ack, ct), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (isk is not null)
            {
                CryptographicOperations.ZeroMemory(isk);
            }

            party.Dispose();
        }
    }

    /// <summary>The verified offer in <paramref name="plaintext"/>, or null when it is missing, malformed or badly signed.</summary>
    public static ContactOffer? OpenOffer(byte[]? plaintext, ReadOnlySpan<byte> context)
    {
        if (plaintext is null)
        {
            return null;
        }

        try
        {
            return ContactOffer.DecodeAndVerify(plaintext, context);
        }
        catch (MalformedRecordException)
        {
            return null;
        }
    }

    public static WrongCodeException WrongCode()
        => new("The code did not match: the two sides used different codes. Nothing was stored; ask for a new invitation (the old one is burned).");
}
