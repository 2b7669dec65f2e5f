using System.Text;
using Courier.Node.Introductions;
using Courier.Node.Storage;

namespace Courier.Node.Tests.Node;

/// <summary>
/// Nothing sensitive is ever written in plaintext (ARCHITECTURE.md): after first contacts and an
/// introduction, no byte of any home directory (vault header, database, WAL, shared memory, journal,
/// lock) contains a code name, a phrase, the passphrase, a private key or seed, a pairwise secret,
/// a contact's public key or a dead drop's name, in UTF-8, UTF-16LE or UTF-16BE.
/// </summary>
public class NoPlaintextAtRestTests
{
    [Fact]
    public async Task No_name_phrase_or_key_appears_in_any_file_of_any_home_while_open_or_after_closing()
    {
        using var nodes = new TestNodes();
        var ivan = nodes.Create();
        var anna = nodes.Create();
        var boris = nodes.Create();
        const string phrase = "greetings from galya at noon";
        await nodes.ConnectAsync(ivan, anna, inviterName: "Starik Vetrov", acceptorName: "Alyosha Krasin", phrase: phrase);

        using (var invitation = await ivan.InviteAsync(nodes.RelayUri, codeName: "Uncle Pyotr"))
        {
            var accepted = boris.AcceptAsync(nodes.RelayUri, invitation.Code, "Boris Godunov");
            await invitation.CompleteAsync();
            await accepted;
            Secrets.AddText(invitation.Code);
            Secrets.AddText(invitation.Code[(invitation.Code.IndexOf('-', StringComparison.Ordinal) + 1)..]);
        }

        // Leave Anna with a pending introduction and Boris with a completed one.
        await ivan.IntroduceAsync("Alyosha Krasin", "Boris Godunov");
        Assert.Equal(1, (await anna.ReceiveAsync()).PendingIntroductions);
        Assert.Single((await boris.ReceiveAsync()).Added);

        Secrets.AddText(phrase);
        Secrets.AddText("greetings-from-galya-at-noon");
        Secrets.AddText(TestNodes.Passphrase);
        foreach (var node in new[] { ivan, anna, boris })
        {
            CollectSecrets(node);
        }

        Assert.True(Secrets.Count > 60, $"only {Secrets.Count} secrets collected");

        // The scanner finds what it looks for, and the WAL, where commits sit until their checkpoint, is part of the scan.
        Assert.NotNull(Secrets.FindIn([.. "xx"u8, .. Encoding.Unicode.GetBytes("Starik Vetrov"), .. "xx"u8]));
        Assert.All(nodes.Homes, home => Assert.True(File.Exists(Path.Combine(home.Path, "vault.db-wal"))));
        ScanHomes(nodes, whileOpen: true);

        nodes.Close(ivan);
        nodes.Close(anna);
        nodes.Close(boris);
        ScanHomes(nodes, whileOpen: false);
    }

    private SecretSet Secrets { get; } = new();

    private void CollectSecrets(CourierNode node)
    {
        foreach (var contact in node.Contacts)
        {
            Secrets.AddText(contact.Name);
            Secrets.AddText(contact.OurCodeName);
            Secrets.AddText(contact.IntroducedByName);
            Secrets.AddText(contact.IntroducedAs);
            using var record = node.FindRecord(contact.Id);
            Secrets.AddBytes(record.OurSigningSeed, record.OurDropReadSeed, record.PairwiseSecret, record.TheirSigningKey, record.OurSigningKey, record.OurDrop, record.TheirDrop);
            foreach (var bundle in record.OurBundles)
            {
                Secrets.AddBundlePrivateKeys(bundle);
            }
        }

        foreach (var (id, plaintext) in node.Vault.List(VaultCollection.PendingIntroduction))
        {
            using var pending = PendingIntroduction.Decode(id, plaintext);
            Secrets.AddText(pending.Ours.CodeName);
            Secrets.AddText(pending.Statement.PeerName);
            Secrets.AddBytes(pending.Ours.SigningSeed, pending.Ours.DropReadSeed, pending.Ours.DropName, pending.Statement.Secret);
            foreach (var bundle in pending.Ours.Bundles)
            {
                Secrets.AddBundlePrivateKeys(bundle.Serialize());
            }
        }
    }

    private void ScanHomes(TestNodes nodes, bool whileOpen)
    {
        foreach (var home in nodes.Homes)
        {
            var files = Directory.GetFiles(home.Path, "*", SearchOption.AllDirectories);
            var names = files.Select(Path.GetFileName).ToHashSet();
            Assert.Contains(VaultHeader.FileName, names);
            Assert.Contains(VaultDatabase.FileName, names);
            Assert.Subset(new HashSet<string?>(["vault.key", "vault.db", "vault.db-wal", "vault.db-shm", "vault.db-journal", "courier.lock"]), names);
            foreach (var file in files)
            {
                if (whileOpen && Path.GetFileName(file) == "courier.lock")
                {
                    // Held exclusively while open; it is always empty.
                    Assert.Equal(0, new FileInfo(file).Length);
                    continue;
                }

                var content = File.ReadAllBytes(file);
                var found = Secrets.FindIn(content);
                Assert.True(found is null, $"{Path.GetFileName(file)} ({(whileOpen ? "open" : "closed")}) contains {found}");
            }
        }
    }
}
