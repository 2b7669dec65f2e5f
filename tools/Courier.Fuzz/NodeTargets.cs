using System.Text;
using Courier.Node;
using Courier.Node.Bulletins;
using Courier.Node.Cells;
using Courier.Node.Contacts;
using Courier.Node.FirstContact;
using Courier.Node.Introductions;
using Courier.Node.Storage;
using Courier.Node.Wire;
using Courier.Relay.Client;

namespace Courier.Fuzz;

/// <summary>
/// The node's parsers: sealed envelopes and their frames, the vault's record decoders, invitation
/// codes and what a contact sends over the pairwise channel. Record decoders refuse with
/// <see cref="MalformedRecordException"/>; opening an envelope answers null.
/// </summary>
internal static class NodeTargets
{
    private static readonly byte[] RecordId = Fixture.Bytes("record id");
    private static readonly DropName Drop = DropName.FromBytes(Fixture.Bytes("drop"));
    private static readonly Lazy<NSec.Cryptography.Key> EnvelopeKey = new(() => SealedEnvelope.ImportKey(Fixture.Bytes("envelope key")));

    /// <summary>The contact whose envelopes the pairwise target opens, and its mirror: that contact's own record of us.</summary>
    private static readonly Lazy<ContactRecord> Contact = new(() => ContactOf(weAreFirst: true));

    private static readonly Lazy<byte[]> BulletinKey = new(() => Ed25519.PublicKeyOf(Fixture.Bytes("bulletin authority")));

    private static readonly Type[] RecordRefusals = [typeof(MalformedRecordException), typeof(VaultCorruptedException)];

    /// <summary>Every decoder of a vault record (Storage/VaultReads) and of the vault header.</summary>
    private static readonly Action<byte[]>[] RecordDecoders =
    [
        bytes => OutboxEntry.Decode(bytes),
        bytes => CellCursor.Decode(bytes),
        bytes => PendingWelcome.Decode(bytes),
        bytes => CellRecord.Decode(RecordId, bytes),
        bytes => FileProgress.Decode(RecordId, bytes),
        bytes => FileProgress.DecodeChunk(bytes),
        bytes => LayerRecord.Decode(RecordId, bytes),
        bytes => WelcomeDelivery.Decode(RecordId, bytes),
        bytes => InboxRecord.Decode(RecordId, bytes),
        bytes => ContactRecord.Decode(RecordId, bytes).Dispose(),
        bytes => PendingIntroduction.Decode(RecordId, bytes).Dispose(),
        bytes => PendingRejoin.Decode(bytes).Dispose(),
        bytes => ReceivedReAdd.Decode(RecordId, bytes),
        bytes => ReAddBundle.Decode(RecordId, bytes),
        bytes => PairwiseOutboxEntry.Decode(RecordId, bytes),
        bytes => CellContent.Parse(bytes),
        bytes => VaultHeader.Decode(bytes, "vault"),
    ];

    public static IEnumerable<FuzzTarget> All =>
    [
        new("sealed-envelope", "SealedEnvelope.TryOpen with a fixed key and drop, and EnvelopeFrame.TryOpen of the bytes as a frame", input =>
        {
            SealedEnvelope.TryOpen(EnvelopeKey.Value, Drop, input);
            EnvelopeFrame.TryOpen(input);
        }),
        new("vault-records", "every vault record decoder (outbox, pairwise outbox, cursor, cell, layer, inbox, contact, welcome, file, introduction, pending rejoin, re-add request and bundle), cell content, vault header", input =>
        {
            // Each decoder refuses on its own; one refusal must not skip the others.
            foreach (var decode in RecordDecoders)
            {
                try
                {
                    decode(input);
                }
                catch (Exception e) when (FuzzTarget.IsRefusal(e, RecordRefusals))
                {
                }
            }
        }),
        new("invitation-code", "InvitationCode.Parse of the bytes as UTF-8 text", input => InvitationCode.Parse(Encoding.UTF8.GetString(input)), typeof(InvalidCodeException)),
        new("pairwise", "PairwiseChannel.TryOpen from a fixed contact, then the bodies a contact sends: introduction statements, contact offers and re-add requests", input =>
        {
            PairwiseChannel.TryOpen(Contact.Value, input);
            IntroductionStatement.DecodeAndVerify(input, Contact.Value, out _);
            ContactOffer.DecodeAndVerify(input, "context"u8);
            ReAddRequest.TryDecode(input);
        }, typeof(MalformedRecordException)),
        new("bulletin", "Bulletin.Read (layout, header fields, chunk hashes) and every check of Bulletin.Verify against a fixed authority key and history", input =>
        {
            var bulletin = Node.Bulletins.Bulletin.Read(input);
            var history = new BulletinHistory(1);
            history.Record(2, new string('0', 64));
            bulletin.Verify(BulletinKey.Value, Fixture.Time.GetUtcNow(), history);
        }, typeof(BulletinRejectedException)),
    ];

    public static IEnumerable<(string Target, string Name, byte[] Bytes)> Seeds()
    {
        yield return ("bulletin", "document", SignedBulletin(3, "orders"u8.ToArray()));
        yield return ("bulletin", "empty", SignedBulletin(1, []));
        yield return ("sealed-envelope", "text", SealedEnvelope.Seal(EnvelopeKey.Value, Drop, 1, "hello"u8));
        yield return ("sealed-envelope", "frame", EnvelopeFrame.Pad(2, "hello"u8, EnvelopeSizes.All));
        yield return ("invitation-code", "generated", Encoding.UTF8.GetBytes(InvitationCode.Create(17, "apple-river-stone").Text));
        yield return ("invitation-code", "phrase", "4242-Correct Horse  Battery"u8.ToArray());

        using var mirror = ContactOf(weAreFirst: false);
        yield return ("pairwise", "welcome", PairwiseChannel.Seal(mirror, 1, PairwiseMessageType.Welcome, "body"u8));
        yield return ("pairwise", "offer", ContactOffer.Create("Blue Heron", Fixture.Bytes("offer seed"), Fixture.Bytes("offer drop"), [], "context"u8).Encode());

        yield return ("vault-records", "contact", Contact.Value.Encode());
        yield return ("vault-records", "cell", new CellRecord(RecordId, "cell", "layer", "https://relay.example:8443").Encode());
        yield return ("vault-records", "layer", new LayerRecord(RecordId, "layer", ["https://relay.example:8443"]).Encode());
        yield return ("vault-records", "cursor", new CellCursor(7, new Dictionary<ulong, long> { [1] = 3 }, new HashSet<string> { "bob" }).Encode());
        yield return ("vault-records", "pending-welcome", new PendingWelcome([1, 2, 3], [[4, 5]]).Encode());
        yield return ("vault-records", "file-progress", new FileProgress(RecordId, Fixture.Bytes("chunks"), 4, 1, 4000).Encode());
        yield return ("vault-records", "welcome-delivery", new WelcomeDelivery(RecordId, Fixture.Bytes("contact"), "cell", "layer", "https://relay.example:8443", [1, 2, 3]).Encode());
        yield return ("vault-records", "inbox", new InboxRecord(RecordId, "cell", "bob", 1_800_000_000, 3, "hello", null, 0, null, 0, null).Encode());
        yield return ("vault-records", "content-text", [1, .. "hello"u8]);
    }

    /// <summary>A bulletin signed by the fixed authority of the bulletin target.</summary>
    private static byte[] SignedBulletin(ulong sequence, byte[] content)
    {
        var now = Fixture.Time.GetUtcNow();
        var header = Node.Bulletins.Bulletin.Describe(BulletinKey.Value, sequence, now, now.AddDays(7), BulletinKind.Document, [Fixture.Bytes("scope")[..16]], "seed", content);
        var seed = Fixture.Bytes("bulletin authority");
        return Node.Bulletins.Bulletin.CreateAsync(header, content, (signed, _) => Task.FromResult(Ed25519.Sign(seed, signed))).GetAwaiter().GetResult().ToFile();
    }

    private static ContactRecord ContactOf(bool weAreFirst)
    {
        string us = weAreFirst ? "alice" : "bob", them = weAreFirst ? "bob" : "alice";
        return new ContactRecord
        {
            Id = RecordId,
            TheirCodeName = them,
            OurCodeName = us,
            TheirSigningKey = Ed25519.PublicKeyOf(Fixture.Bytes(them + " signing")),
            OurSigningSeed = Fixture.Bytes(us + " signing"),
            PairwiseSecret = Fixture.Bytes("pairwise"),
            WeAreFirst = weAreFirst,
            TheirDrop = Fixture.Bytes(them + " drop"),
            OurDrop = Fixture.Bytes(us + " drop"),
            OurDropReadSeed = Fixture.Bytes(us + " read"),
            TheirKeyPackages = [],
            OurBundles = [],
            AddedAt = 1_800_000_000,
            Relay = "https://relay.example:8443",
        };
    }
}
