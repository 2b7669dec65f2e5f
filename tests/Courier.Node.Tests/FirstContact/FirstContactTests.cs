using System.Text;
using Courier.Mls.Group;
using Courier.Node.FirstContact;
using Courier.Node.Relay;
using Courier.Node.Wire;
using Courier.Relay.Client;

namespace Courier.Node.Tests.FirstContact;

public class FirstContactTests
{
    [Fact]
    public async Task Two_nodes_become_contacts_with_matching_keys_drops_and_channel_secret()
    {
        using var nodes = new TestNodes();
        var alice = nodes.Create();
        var bob = nodes.Create();

        var (bobAtAlice, aliceAtBob) = await nodes.ConnectAsync(alice, bob, inviterName: "Starik", acceptorName: "Alyosha");

        Assert.Equal("Alyosha", bobAtAlice.Name);
        Assert.Equal("Starik", bobAtAlice.OurCodeName);
        Assert.Equal("Starik", aliceAtBob.Name);
        Assert.Equal("Alyosha", aliceAtBob.OurCodeName);
        Assert.Null(bobAtAlice.IntroducedById);
        Assert.Equal(nodes.Relay.Address, bobAtAlice.Relay);
        Assert.Equal([bobAtAlice], alice.Contacts);
        Assert.Equal([aliceAtBob], bob.Contacts);

        using var atAlice = alice.FindRecord(bobAtAlice.Id);
        using var atBob = bob.FindRecord("STARIK");
        Assert.Equal(atBob.OurSigningKey, atAlice.TheirSigningKey);
        Assert.Equal(atAlice.OurSigningKey, atBob.TheirSigningKey);
        Assert.Equal(atBob.OurDrop, atAlice.TheirDrop);
        Assert.Equal(atAlice.OurDrop, atBob.TheirDrop);
        Assert.Equal(atAlice.PairwiseSecret, atBob.PairwiseSecret);
        Assert.True(atAlice.WeAreFirst);
        Assert.False(atBob.WeAreFirst);
        Assert.Equal(aliceAtBob.Fingerprint, bobAtAlice.Fingerprint);

        // Each side holds the other's KeyPackages, and its own bundles for them with the private keys.
        Assert.Equal(3, atAlice.TheirKeyPackages.Count);
        Assert.Equal(3, atBob.OurBundles.Count);
        for (var i = 0; i < 3; i++)
        {
            using var bundle = KeyPackageBundle.Deserialize(atBob.OurBundles[i]);
            Assert.Equal(bundle.KeyPackageBytes, atAlice.TheirKeyPackages[i]);
        }

        // Both drops exist at the relay, and the nameplate is burned.
        Assert.Equal(2, nodes.Relay.DropCount);
    }

    [Fact]
    public async Task The_nameplate_is_released_after_success_and_cannot_be_used_again()
    {
        using var nodes = new TestNodes();
        var alice = nodes.Create();
        var bob = nodes.Create();
        var carol = nodes.Create();
        using var invitation = await alice.InviteAsync(nodes.RelayUri);
        var accepted = bob.AcceptAsync(nodes.RelayUri, invitation.Code);
        await invitation.CompleteAsync();
        await accepted;

        Assert.True(nodes.Relay.IsReleased(invitation.Nameplate));
        await Assert.ThrowsAsync<InvitationUnavailableException>(() => carol.AcceptAsync(nodes.RelayUri, invitation.Code));
        Assert.Empty(carol.Contacts);
    }

    [Fact]
    public async Task A_chosen_phrase_is_the_secret_and_matches_however_it_is_typed()
    {
        using var nodes = new TestNodes();
        var alice = nodes.Create();
        var bob = nodes.Create();
        using var invitation = await alice.InviteAsync(nodes.RelayUri, phrase: "I have brought greetings from Galya");
        Assert.Equal($"{invitation.Nameplate}-i-have-brought-greetings-from-galya", invitation.Code);

        var accepted = bob.AcceptAsync(nodes.RelayUri, $" {invitation.Nameplate}-I have  brought greetings-from GALYA ");
        await invitation.CompleteAsync();
        Assert.Single(bob.Contacts);
        Assert.Equal((await accepted).Id, bob.Contacts[0].Id);
    }

    [Fact]
    public async Task A_generated_code_is_the_nameplate_and_three_words_of_the_list()
    {
        using var nodes = new TestNodes();
        var alice = nodes.Create();
        using var invitation = await alice.InviteAsync(nodes.RelayUri);
        var parts = invitation.Code.Split('-');
        Assert.Equal(4, parts.Length);
        Assert.Equal(invitation.Nameplate.ToString(System.Globalization.CultureInfo.InvariantCulture), parts[0]);
        Assert.All(parts[1..], word => Assert.Contains(word, Contacts.WordList.Words));
    }

    [Fact]
    public async Task A_wrong_code_fails_both_sides_clearly_stores_nothing_and_burns_the_nameplate()
    {
        using var nodes = new TestNodes();
        var alice = nodes.Create();
        var bob = nodes.Create();
        using var invitation = await alice.InviteAsync(nodes.RelayUri, phrase: "apple river stone");

        var accepted = bob.AcceptAsync(nodes.RelayUri, $"{invitation.Nameplate}-apple-river-stove");
        var inviterError = await Assert.ThrowsAsync<WrongCodeException>(() => invitation.CompleteAsync());
        var acceptorError = await Assert.ThrowsAsync<WrongCodeException>(() => accepted);

        Assert.Equal("wrong_code", inviterError.ErrorCode);
        Assert.Contains("different codes", inviterError.Message, StringComparison.Ordinal);
        Assert.Contains("different codes", acceptorError.Message, StringComparison.Ordinal);
        Assert.Empty(alice.Contacts);
        Assert.Empty(bob.Contacts);
        Assert.Equal(0, nodes.Relay.DropCount);
        Assert.True(nodes.Relay.IsReleased(invitation.Nameplate));

        // The right code cannot be tried on the burned nameplate.
        await Assert.ThrowsAsync<InvitationUnavailableException>(() => bob.AcceptAsync(nodes.RelayUri, $"{invitation.Nameplate}-apple-river-stone"));
        Assert.Empty(bob.Contacts);
    }

    [Theory]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")] // the identity
    [InlineData("2B3C6B8C4F3800E7AEF6864025B4ED79BD599117E427C41BD47D93D654B4A51C")] // does not decode (draft's "Invalid Y1")
    [InlineData("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF")] // not canonical
    public async Task An_invalid_key_share_aborts_the_inviter_and_burns_the_nameplate(string share)
    {
        using var nodes = new TestNodes();
        var alice = nodes.Create();
        using var invitation = await alice.InviteAsync(nodes.RelayUri);

        byte[] reply = [.. Convert.FromHexString(share), .. new byte[FirstContactKeys.TagSize], .. new byte[40]];
        var attacker = await nodes.Relay.JoinNameplateAsync(invitation.Nameplate, default);
        await nodes.Relay.PostAsync(attacker, EnvelopeFrame.Pad((byte)FirstContactKind.Reply, reply, EnvelopeSizes.Nameplate), MessageId.NewRandom(), default);

        var error = await Assert.ThrowsAsync<FirstContactFailedException>(() => invitation.CompleteAsync());
        Assert.Contains("invalid key share", error.Message, StringComparison.Ordinal);
        Assert.True(nodes.Relay.IsReleased(invitation.Nameplate));
        Assert.Empty(alice.Contacts);
    }

    [Theory]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("2B3C6B8C4F3800E7AEF6864025B4ED79BD599117E427C41BD47D93D654B4A51C")]
    public async Task An_invalid_key_share_in_the_invitation_aborts_the_acceptor(string share)
    {
        using var nodes = new TestNodes();
        var bob = nodes.Create();
        var nameplate = await nodes.Relay.AllocateNameplateAsync(default);
        byte[] hello = [.. new byte[FirstContactProtocol.SidSize], .. Convert.FromHexString(share)];
        await nodes.Relay.PostAsync(nameplate, EnvelopeFrame.Pad((byte)FirstContactKind.Hello, hello, EnvelopeSizes.Nameplate), MessageId.NewRandom(), default);

        var error = await Assert.ThrowsAsync<FirstContactFailedException>(() => bob.AcceptAsync(nodes.RelayUri, $"{nameplate.Number}-apple-river-stone"));
        Assert.Contains("invalid key share", error.Message, StringComparison.Ordinal);
        Assert.Empty(bob.Contacts);
        Assert.Equal(0, nodes.Relay.DropCount);
    }

    [Fact]
    public async Task A_stranger_without_a_claim_can_neither_post_to_nor_release_the_nameplate()
    {
        using var nodes = new TestNodes();
        var alice = nodes.Create();
        var bob = nodes.Create();
        using var invitation = await alice.InviteAsync(nodes.RelayUri);
        var forged = new NameplateClaim(invitation.Nameplate, Convert.ToBase64String(new byte[32]).TrimEnd('=').Replace('+', '-').Replace('/', '_'), isInviter: true);
        await Assert.ThrowsAsync<RelayRejectedException>(() => nodes.Relay.PostAsync(forged, new byte[EnvelopeSizes.Small], MessageId.NewRandom(), default));
        await Assert.ThrowsAsync<RelayRejectedException>(() => nodes.Relay.ReleaseAsync(forged, default));

        var accepted = bob.AcceptAsync(nodes.RelayUri, invitation.Code);
        await invitation.CompleteAsync();
        await accepted;
        Assert.Single(alice.Contacts);
        Assert.Single(bob.Contacts);
    }

    [Fact]
    public async Task A_stranger_who_joins_first_makes_both_sides_fail_with_interference_and_neither_stores_anything()
    {
        using var nodes = new TestNodes();
        var alice = nodes.Create(nodes.Options(firstContactTimeout: TimeSpan.FromSeconds(2)));
        var bob = nodes.Create();
        using var invitation = await alice.InviteAsync(nodes.RelayUri);
        var stranger = await nodes.Relay.JoinNameplateAsync(invitation.Nameplate, default);
        await nodes.Relay.PostAsync(stranger, new byte[EnvelopeSizes.Small], MessageId.NewRandom(), default);

        var bobError = await Assert.ThrowsAsync<InterferenceException>(() => bob.AcceptAsync(nodes.RelayUri, invitation.Code));
        Assert.Contains("Someone else", bobError.Message, StringComparison.Ordinal);
        var aliceError = await Assert.ThrowsAsync<InterferenceException>(() => invitation.CompleteAsync());
        Assert.Contains("interfered", aliceError.Message, StringComparison.Ordinal);
        Assert.Empty(alice.Contacts);
        Assert.Empty(bob.Contacts);
    }

    [Fact]
    public async Task A_stranger_who_guesses_a_code_first_is_reported_as_interference_not_as_different_codes()
    {
        using var nodes = new TestNodes();
        var alice = nodes.Create();
        var bob = nodes.Create();
        var mallory = nodes.Create();
        using var invitation = await alice.InviteAsync(nodes.RelayUri);
        var guessing = mallory.AcceptAsync(nodes.RelayUri, $"{invitation.Nameplate}-wrong-guess-here");
        while (!nodes.Relay.HasJoined(invitation.Nameplate))
        {
            await Task.Delay(10);
        }

        await Assert.ThrowsAsync<InterferenceException>(() => bob.AcceptAsync(nodes.RelayUri, invitation.Code));
        await Assert.ThrowsAsync<InterferenceException>(() => invitation.CompleteAsync());
        await Assert.ThrowsAnyAsync<NodeException>(() => guessing);
        Assert.Empty(alice.Contacts);
        Assert.Empty(bob.Contacts);
    }

    [Fact]
    public async Task First_contact_under_a_stranger_flooding_nameplate_numbers_completes_or_names_interference()
    {
        // issue 13, must-hold 2: a stranger joins every nameplate number it can, as fast as it can.
        using var nodes = new TestNodes();
        using var stop = new CancellationTokenSource();
        var flood = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                for (int number = 1; number <= 999 && !stop.IsCancellationRequested; number++)
                {
                    try
                    {
                        var claim = await nodes.Relay.JoinNameplateAsync(number, default);
                        await nodes.Relay.PostAsync(claim, new byte[EnvelopeSizes.Small], MessageId.NewRandom(), default);
                    }
                    catch (NodeException)
                    {
                        // Free, taken or released: on to the next number.
                    }
                }

                await Task.Yield();
            }
        });

        int completed = 0, interfered = 0;
        try
        {
            for (int round = 0; round < 5; round++)
            {
                var alice = nodes.Create(nodes.Options(firstContactTimeout: TimeSpan.FromSeconds(3)));
                var bob = nodes.Create();
                using var invitation = await alice.InviteAsync(nodes.RelayUri);
                var accepted = bob.AcceptAsync(nodes.RelayUri, invitation.Code);
                var completing = invitation.CompleteAsync();
                var outcomes = await Task.WhenAll(Outcome(accepted), Outcome(completing));
                foreach (var outcome in outcomes)
                {
                    Assert.True(outcome is null or InterferenceException, $"first contact failed with {outcome?.GetType().Name}: {outcome?.Message}");
                }

                if (outcomes.All(o => o is null))
                {
                    completed++;
                    Assert.Single(alice.Contacts);
                    Assert.Single(bob.Contacts);
                }
                else
                {
                    interfered++;
                    Assert.Empty(alice.Contacts);
                    Assert.Empty(bob.Contacts);
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            await flood;
        }

        Assert.Equal(5, completed + interfered);
    }

    private static async Task<Exception?> Outcome(Task task)
    {
        try
        {
            await task;
            return null;
        }
        catch (NodeException e)
        {
            return e;
        }
    }

    [Fact]
    public async Task An_invitation_nobody_answers_times_out_and_releases_its_nameplate()
    {
        using var nodes = new TestNodes();
        var alice = nodes.Create(nodes.Options(firstContactTimeout: TimeSpan.FromMilliseconds(300)));
        using var invitation = await alice.InviteAsync(nodes.RelayUri);
        var error = await Assert.ThrowsAsync<FirstContactFailedException>(() => invitation.CompleteAsync());
        Assert.Contains("in time", error.Message, StringComparison.Ordinal);
        Assert.True(nodes.Relay.IsReleased(invitation.Nameplate));
    }

    [Fact]
    public async Task Disposing_an_unused_invitation_releases_its_nameplate()
    {
        using var nodes = new TestNodes();
        var alice = nodes.Create();
        var invitation = await alice.InviteAsync(nodes.RelayUri);
        invitation.Dispose();
        Assert.True(nodes.Relay.IsReleased(invitation.Nameplate));
    }

    [Theory]
    [InlineData("apple-river-stone")]
    [InlineData("17")]
    [InlineData("17-")]
    [InlineData("17- - -")]
    [InlineData("017-apple")]
    [InlineData("123456-apple")]
    [InlineData("0-apple")]
    [InlineData("-apple")]
    public async Task A_malformed_code_is_refused_before_the_relay_is_asked(string code)
    {
        using var nodes = new TestNodes();
        var bob = nodes.Create();
        nodes.Relay.Unreachable = true;
        var error = await Assert.ThrowsAsync<InvalidCodeException>(() => bob.AcceptAsync(nodes.RelayUri, code));
        Assert.Equal("invalid_code", error.ErrorCode);
    }

    [Fact]
    public async Task An_unknown_nameplate_and_an_unreachable_relay_are_reported_as_such()
    {
        using var nodes = new TestNodes();
        var bob = nodes.Create();
        await Assert.ThrowsAsync<InvitationUnavailableException>(() => bob.AcceptAsync(nodes.RelayUri, "4242-apple-river-stone"));

        nodes.Relay.Unreachable = true;
        await Assert.ThrowsAsync<RelayUnreachableException>(() => bob.InviteAsync(nodes.RelayUri));
        await Assert.ThrowsAsync<RelayUnreachableException>(() => bob.AcceptAsync(nodes.RelayUri, "4242-apple-river-stone"));
    }

    [Fact]
    public async Task Two_contacts_see_different_keys_code_names_drops_and_KeyPackage_identities_of_ours()
    {
        using var nodes = new TestNodes();
        var alice = nodes.Create();
        var bob = nodes.Create();
        var carol = nodes.Create();
        var (bobAtAlice, _) = await nodes.ConnectAsync(alice, bob);
        var (carolAtAlice, _) = await nodes.ConnectAsync(alice, carol);

        using var forBob = alice.FindRecord(bobAtAlice.Id);
        using var forCarol = alice.FindRecord(carolAtAlice.Id);
        Assert.NotEqual(forBob.OurCodeName, forCarol.OurCodeName);
        Assert.NotEqual(forBob.OurSigningKey, forCarol.OurSigningKey);
        Assert.NotEqual(forBob.OurDrop, forCarol.OurDrop);
        Assert.NotEqual(forBob.PairwiseSecret, forCarol.PairwiseSecret);

        // What Bob and Carol hold of Alice shares nothing: no key, name, drop or KeyPackage key.
        var bobKnows = PublicMaterial(forBob);
        var carolKnows = PublicMaterial(forCarol);
        Assert.Empty(bobKnows.Intersect(carolKnows));
    }

    [Fact]
    public async Task The_relay_sees_neither_the_code_nor_the_code_names_nor_the_keys_exchanged()
    {
        using var nodes = new TestNodes();
        var alice = nodes.Create();
        var bob = nodes.Create();
        var (bobAtAlice, _) = await nodes.ConnectAsync(alice, bob, inviterName: "Starik Codename", acceptorName: "Alyosha Codename", phrase: "greetings from galya");
        using var record = alice.FindRecord(bobAtAlice.Id);

        var observed = nodes.Relay.Observed;
        Assert.NotEmpty(observed);
        Assert.All(observed, envelope => Assert.Contains(envelope.Length, EnvelopeSizes.Nameplate.Concat(EnvelopeSizes.All)));
        foreach (var secret in new[]
        {
            Encoding.UTF8.GetBytes("greetings-from-galya"), Encoding.UTF8.GetBytes("galya"),
            Encoding.UTF8.GetBytes("Starik Codename"), Encoding.UTF8.GetBytes("Alyosha Codename"),
            record.TheirSigningKey, record.OurSigningKey, record.TheirDrop, record.OurDrop,
        })
        {
            Assert.DoesNotContain(observed, envelope => envelope.AsSpan().IndexOf(secret) >= 0);
        }
    }

    private static HashSet<string> PublicMaterial(Contacts.ContactRecord record)
    {
        var items = new HashSet<string>(StringComparer.Ordinal)
        {
            record.OurCodeName,
            Convert.ToHexString(record.OurSigningKey),
            Convert.ToHexString(record.OurDrop),
        };
        foreach (var serialized in record.OurBundles)
        {
            using var bundle = KeyPackageBundle.Deserialize(serialized);
            items.Add(Convert.ToHexString(bundle.KeyPackageRef));
            items.Add(Convert.ToHexString(bundle.KeyPackageBytes.AsSpan(bundle.KeyPackageBytes.Length - 64)));
        }

        return items;
    }
}
