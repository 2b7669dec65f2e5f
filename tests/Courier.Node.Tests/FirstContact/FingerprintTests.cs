using System.Security.Cryptography;

namespace Courier.Node.Tests.FirstContact;

/// <summary>The fingerprint two contacts read to each other: the same on both sides, different for anyone else.</summary>
public class FingerprintTests
{
    [Fact]
    public async Task Both_sides_of_a_first_contact_see_the_same_fingerprint_and_two_contacts_different_ones()
    {
        using var nodes = new TestNodes();
        var alice = nodes.Create();
        var bob = nodes.Create();
        var carol = nodes.Create();
        var (bobAtAlice, aliceAtBob) = await nodes.ConnectAsync(alice, bob);
        var (carolAtAlice, aliceAtCarol) = await nodes.ConnectAsync(alice, carol);

        Assert.Matches(@"^\d{5}( \d{5}){5}$", bobAtAlice.Fingerprint);
        Assert.Equal(bobAtAlice.Fingerprint, aliceAtBob.Fingerprint);
        Assert.Equal(carolAtAlice.Fingerprint, aliceAtCarol.Fingerprint);
        Assert.NotEqual(bobAtAlice.Fingerprint, carolAtAlice.Fingerprint);

        // The list shows what first contact returned.
        Assert.Equal(new[] { bobAtAlice.Fingerprint, carolAtAlice.Fingerprint }.Order(), alice.Contacts.Select(c => c.Fingerprint).Order());
        Assert.Equal(aliceAtBob.Fingerprint, Assert.Single(bob.Contacts).Fingerprint);
    }

    [Fact]
    public async Task A_man_in_the_middle_who_knows_the_code_gives_the_two_sides_different_fingerprints()
    {
        using var nodes = new TestNodes();
        var alice = nodes.Create();
        var bob = nodes.Create();
        var mallory = nodes.Create();

        // Mallory overheard the phrase: he answers Alice's invitation and invites Bob with the same phrase.
        var (malloryAtAlice, aliceAtMallory) = await nodes.ConnectAsync(alice, mallory, acceptorName: "Bob", phrase: "greetings from galya");
        var (bobAtMallory, malloryAtBob) = await nodes.ConnectAsync(mallory, bob, inviterName: "Alice", phrase: "greetings from galya");

        Assert.Equal("Bob", malloryAtAlice.Name);
        Assert.Equal("Alice", malloryAtBob.Name);
        Assert.NotEqual(malloryAtAlice.Fingerprint, malloryAtBob.Fingerprint);

        // Mallory's own views match each side's, which is what reading them aloud would expose.
        Assert.Equal(malloryAtAlice.Fingerprint, aliceAtMallory.Fingerprint);
        Assert.Equal(malloryAtBob.Fingerprint, bobAtMallory.Fingerprint);
    }

    [Fact]
    public void The_fingerprint_does_not_depend_on_the_order_of_the_keys_and_changes_with_either()
    {
        var ours = RandomNumberGenerator.GetBytes(32);
        var theirs = RandomNumberGenerator.GetBytes(32);
        var fingerprint = Contact.FingerprintOf(ours, theirs);
        Assert.Equal(fingerprint, Contact.FingerprintOf(theirs, ours));

        for (var bit = 0; bit < 256; bit += 37)
        {
            var changed = (byte[])theirs.Clone();
            changed[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.NotEqual(fingerprint, Contact.FingerprintOf(ours, changed));
            Assert.NotEqual(fingerprint, Contact.FingerprintOf(changed, theirs));
        }

        Assert.Throws<ArgumentException>(() => Contact.FingerprintOf(ours, theirs.AsSpan(0, 31)));
    }
}
