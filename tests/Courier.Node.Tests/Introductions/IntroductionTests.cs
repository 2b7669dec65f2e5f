using System.Security.Cryptography;
using Courier.Node.Contacts;
using Courier.Node.Introductions;
using Courier.Relay.Client;

namespace Courier.Node.Tests.Introductions;

public class IntroductionTests
{
    [Fact]
    public async Task An_accepted_introduction_adds_each_party_to_the_other_marked_with_its_introducer()
    {
        using var nodes = new TestNodes();
        var ivan = nodes.Create();
        var anna = nodes.Create();
        var boris = nodes.Create();
        var (annaAtIvan, ivanAtAnna) = await nodes.ConnectAsync(ivan, anna, inviterName: "Starik", acceptorName: "Anna");
        var (borisAtIvan, ivanAtBoris) = await nodes.ConnectAsync(ivan, boris, inviterName: "Uncle", acceptorName: "Boris");

        await ivan.IntroduceAsync("Anna", "Boris");
        Assert.Equal(2, ivan.Contacts.Count);

        var first = await anna.ReceiveAsync();
        Assert.Empty(first.Added);
        Assert.Equal(1, first.PendingIntroductions);
        Assert.Empty(first.Rejected);

        var second = await boris.ReceiveAsync();
        var annaAtBoris = Assert.Single(second.Added);
        Assert.Equal(0, second.PendingIntroductions);

        var third = await anna.ReceiveAsync();
        var borisAtAnna = Assert.Single(third.Added);
        Assert.Equal(0, third.PendingIntroductions);

        // Marked with who introduced them, under the name each knows the introducer by.
        Assert.Equal(ivanAtAnna.Id, borisAtAnna.IntroducedById);
        Assert.Equal("Starik", borisAtAnna.IntroducedByName);
        Assert.Equal("Boris", borisAtAnna.IntroducedAs);
        Assert.Equal(ivanAtBoris.Id, annaAtBoris.IntroducedById);
        Assert.Equal("Uncle", annaAtBoris.IntroducedByName);
        Assert.Equal("Anna", annaAtBoris.IntroducedAs);
        Assert.Equal(2, anna.Contacts.Count);
        Assert.Equal(2, boris.Contacts.Count);

        // The new relationship is a fresh pairwise one: matching keys and channel, nothing shared with Ivan's.
        using var atAnna = anna.FindRecord(borisAtAnna.Id);
        using var atBoris = boris.FindRecord(annaAtBoris.Id);
        using var annaWithIvan = anna.FindRecord(ivanAtAnna.Id);
        Assert.Equal(atBoris.OurSigningKey, atAnna.TheirSigningKey);
        Assert.Equal(atAnna.OurSigningKey, atBoris.TheirSigningKey);
        Assert.Equal(atAnna.OurDrop, atBoris.TheirDrop);
        Assert.Equal(atAnna.PairwiseSecret, atBoris.PairwiseSecret);
        Assert.NotEqual(atAnna.WeAreFirst, atBoris.WeAreFirst);
        Assert.NotEqual(annaWithIvan.OurSigningKey, atAnna.OurSigningKey);
        Assert.NotEqual(annaWithIvan.OurCodeName, atAnna.OurCodeName);
        Assert.Equal(3, atAnna.TheirKeyPackages.Count);
        Assert.Equal(borisAtAnna.Fingerprint, annaAtBoris.Fingerprint);

        // A further receive changes nothing.
        var again = await anna.ReceiveAsync();
        Assert.Empty(again.Added);
        Assert.Empty(again.Rejected);
        Assert.Equal(2, anna.Contacts.Count);
    }

    [Fact]
    public async Task A_pending_introduction_survives_closing_and_reopening_the_node()
    {
        using var nodes = new TestNodes();
        var ivan = nodes.Create();
        var anna = nodes.Create();
        var boris = nodes.Create();
        await nodes.ConnectAsync(ivan, anna, acceptorName: "Anna");
        await nodes.ConnectAsync(ivan, boris, acceptorName: "Boris");
        await ivan.IntroduceAsync("Anna", "Boris");
        Assert.Equal(1, (await anna.ReceiveAsync()).PendingIntroductions);

        var annaHome = nodes.Homes[1].Path;
        nodes.Close(anna);
        using var reopened = CourierNode.Open(annaHome, TestNodes.Passphrase, nodes.Options());
        Assert.Single((await boris.ReceiveAsync()).Added);
        Assert.Single((await reopened.ReceiveAsync()).Added);
    }

    [Fact]
    public async Task An_envelope_not_sealed_by_the_contact_is_rejected_and_changes_nothing()
    {
        using var nodes = new TestNodes();
        var ivan = nodes.Create();
        var anna = nodes.Create();
        var (annaAtIvan, _) = await nodes.ConnectAsync(ivan, anna);
        using var channel = ivan.FindRecord(annaAtIvan.Id);

        // A stranger who learns the drop's name cannot append (no append key); the relay can put
        // anything into its store, but cannot seal for the channel.
        var envelope = new byte[EnvelopeSizes.Small];
        RandomNumberGenerator.Fill(envelope);
        using (var strangersKey = DropAppendKey.Create())
        {
            await Assert.ThrowsAsync<RelayRejectedException>(() => nodes.Relay.AppendAsync(DropName.FromBytes(channel.TheirDrop), strangersKey, envelope, MessageId.NewRandom(), default));
        }

        nodes.Relay.Insert(DropName.FromBytes(channel.TheirDrop), envelope);

        var result = await anna.ReceiveAsync();
        Assert.Contains("not sealed by them", Assert.Single(result.Rejected), StringComparison.Ordinal);
        Assert.Equal(0, result.PendingIntroductions);
        Assert.Single(anna.Contacts);
    }

    [Theory]
    [InlineData("signed-by-another-key")]
    [InlineData("peer-name-altered")]
    [InlineData("secret-altered")]
    [InlineData("expiry-altered")]
    [InlineData("meant-for-someone-else")]
    [InlineData("truncated")]
    public async Task A_forged_or_altered_introduction_is_rejected_and_nothing_is_stored(string forgery)
    {
        using var nodes = new TestNodes();
        var ivan = nodes.Create();
        var anna = nodes.Create();
        var boris = nodes.Create();
        var (annaAtIvan, _) = await nodes.ConnectAsync(ivan, anna, acceptorName: "Anna");
        var (borisAtIvan, _) = await nodes.ConnectAsync(ivan, boris, acceptorName: "Boris");
        using var toAnna = ivan.FindRecord(annaAtIvan.Id);
        using var toBoris = ivan.FindRecord(borisAtIvan.Id);

        var statement = new IntroductionStatement
        {
            Id = RandomNumberGenerator.GetBytes(IntroductionStatement.IdSize),
            Role = IntroductionRole.First,
            IntroducerKey = toAnna.OurSigningKey,
            RecipientKey = toAnna.TheirSigningKey,
            PeerName = "Boris",
            Secret = RandomNumberGenerator.GetBytes(IntroductionStatement.SecretSize),
            ExpiresAt = DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeSeconds(),
        };
        var signed = statement.SignAndEncode(toAnna.OurSigningSeed);
        var (recipient, channel, body) = forgery switch
        {
            // Someone holding the channel key (it is symmetric) but not Ivan's signing key.
            "signed-by-another-key" => (anna, toAnna, statement.SignAndEncode(RandomNumberGenerator.GetBytes(32))),
            "peer-name-altered" => (anna, toAnna, Altered(signed, "Boris"u8.ToArray(), "Borya"u8.ToArray())),
            "secret-altered" => (anna, toAnna, Flip(signed, 2 + 16 + 1 + 36 + 36 + 9 + 4 + 5)),
            "expiry-altered" => (anna, toAnna, Flip(signed, signed.Length - 68 - 1)),
            // A valid statement for Anna, re-sealed to Boris: it names Anna's keys, not Boris's.
            "meant-for-someone-else" => (boris, toBoris, signed),
            "truncated" => (anna, toAnna, signed[..^1]),
            _ => throw new ArgumentOutOfRangeException(nameof(forgery)),
        };
        await PairwiseChannel.AppendAsync(nodes.Relay, channel, PairwiseChannel.Seal(channel, ++channel.LastSent, PairwiseMessageType.Introduction, body), MessageId.NewRandom(), default);

        var result = await recipient.ReceiveAsync();
        Assert.Contains("was refused", Assert.Single(result.Rejected), StringComparison.Ordinal);
        Assert.Equal(0, result.PendingIntroductions);
        Assert.Empty(result.Added);
        Assert.Single(recipient.Contacts);

        // The genuine statement, for contrast, is accepted (with the two drops the introducer creates).
        foreach (var role in new[] { IntroductionRole.First, IntroductionRole.Second })
        {
            using var readKey = IntroductionSecrets.ReadKeyOf(statement, role);
            using var appendKey = IntroductionSecrets.AppendKeyOf(statement, role);
            await nodes.Relay.CreateDropAsync(IntroductionSecrets.DropOf(statement, role), readKey, appendKey, default);
        }

        await PairwiseChannel.AppendAsync(nodes.Relay, toAnna, PairwiseChannel.Seal(toAnna, ++toAnna.LastSent, PairwiseMessageType.Introduction, signed), MessageId.NewRandom(), default);
        var genuine = await anna.ReceiveAsync();
        Assert.Empty(genuine.Rejected);
        Assert.Equal(1, genuine.PendingIntroductions);
    }

    [Fact]
    public async Task An_introduction_whose_drops_are_missing_stays_pending_and_does_not_block_receiving()
    {
        using var nodes = new TestNodes();
        var ivan = nodes.Create();
        var anna = nodes.Create();
        var (annaAtIvan, _) = await nodes.ConnectAsync(ivan, anna, acceptorName: "Anna");
        using var toAnna = ivan.FindRecord(annaAtIvan.Id);
        var statement = new IntroductionStatement
        {
            Id = RandomNumberGenerator.GetBytes(IntroductionStatement.IdSize),
            Role = IntroductionRole.Second,
            IntroducerKey = toAnna.OurSigningKey,
            RecipientKey = toAnna.TheirSigningKey,
            PeerName = "Nobody",
            Secret = RandomNumberGenerator.GetBytes(IntroductionStatement.SecretSize),
            ExpiresAt = DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeSeconds(),
        };
        await PairwiseChannel.AppendAsync(nodes.Relay, toAnna, PairwiseChannel.Seal(toAnna, ++toAnna.LastSent, PairwiseMessageType.Introduction, statement.SignAndEncode(toAnna.OurSigningSeed)), MessageId.NewRandom(), default);

        for (var i = 0; i < 2; i++)
        {
            var result = await anna.ReceiveAsync();
            Assert.Equal(1, result.PendingIntroductions);
            Assert.Contains("refused our answer", Assert.Single(result.Rejected), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_expired_introduction_is_rejected_and_a_pending_one_is_dropped_when_it_expires()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        using var nodes = new TestNodes();
        var ivan = nodes.Create(nodes.Options(clock));
        var anna = nodes.Create(nodes.Options(clock));
        var boris = nodes.Create(nodes.Options(clock));
        await nodes.ConnectAsync(ivan, anna, acceptorName: "Anna");
        await nodes.ConnectAsync(ivan, boris, acceptorName: "Boris");
        await ivan.IntroduceAsync("Anna", "Boris");

        Assert.Equal(1, (await anna.ReceiveAsync()).PendingIntroductions);
        clock.Now += TimeSpan.FromDays(8);

        var atAnna = await anna.ReceiveAsync();
        Assert.Contains("expired", Assert.Single(atAnna.Rejected), StringComparison.Ordinal);
        Assert.Equal(0, atAnna.PendingIntroductions);

        var atBoris = await boris.ReceiveAsync();
        Assert.Contains("had expired", Assert.Single(atBoris.Rejected), StringComparison.Ordinal);
        Assert.Single(anna.Contacts);
        Assert.Single(boris.Contacts);
    }

    [Fact]
    public async Task Introducing_a_contact_to_itself_or_an_unknown_one_is_refused()
    {
        using var nodes = new TestNodes();
        var ivan = nodes.Create();
        var anna = nodes.Create();
        await nodes.ConnectAsync(ivan, anna, acceptorName: "Anna");
        await Assert.ThrowsAsync<ArgumentException>(() => ivan.IntroduceAsync("Anna", "anna"));
        var error = await Assert.ThrowsAsync<UnknownContactException>(() => ivan.IntroduceAsync("Anna", "Nobody"));
        Assert.Equal("unknown_contact", error.ErrorCode);
    }

    private static byte[] Altered(byte[] bytes, byte[] from, byte[] to)
    {
        var index = bytes.AsSpan().IndexOf(from);
        Assert.True(index >= 0);
        var copy = (byte[])bytes.Clone();
        to.CopyTo(copy, index);
        return copy;
    }

    private static byte[] Flip(byte[] bytes, int index)
    {
        var copy = (byte[])bytes.Clone();
        copy[index] ^= 0x01;
        return copy;
    }
}
