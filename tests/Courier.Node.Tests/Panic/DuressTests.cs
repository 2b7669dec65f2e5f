using Courier.Node.Storage;
using Microsoft.Data.Sqlite;
using VaultStore = Courier.Node.Storage.Vault;

namespace Courier.Node.Tests.Panic;

/// <summary>
/// The duress passphrase (docs/panic.md, must-hold 5 of issue 16): it opens a decoy that shows only
/// what was put in it; homes with and without one have the same files and sizes, and every open
/// does the same Argon2id work; with the wipe option the real vault's rows and key are gone.
/// </summary>
public class DuressTests
{
    private const string Duress = "the passphrase they beat out of me";

    [Fact]
    public async Task The_duress_passphrase_opens_a_decoy_that_shows_only_what_the_user_put_in_it()
    {
        using var nodes = new TestNodes();
        var (alyosha, home) = await RealVaultAsync(nodes);
        alyosha.SetDuress(TestNodes.Passphrase, Duress);
        nodes.Close(alyosha);

        // Prepared by opening it with the duress passphrase and using it as any node.
        using (var decoy = CourierNode.Open(home, Duress, nodes.Options()))
        {
            Assert.Empty(decoy.Contacts);
            Assert.Empty(decoy.Cells);
            Assert.Empty(decoy.Layers);
            Assert.Empty(decoy.Inbox());
            decoy.CreateLayer("chess club", [nodes.RelayUri]);
            await decoy.CreateCellAsync("openings", "chess club");
        }

        using (var real = CourierNode.Open(home, TestNodes.Passphrase, nodes.Options()))
        {
            Assert.Equal(["north"], real.Cells.Select(c => c.Name));
            Assert.Single(real.Contacts);
            Assert.Contains(real.Inbox(), m => m.Text == "the printing press is under the bath-house");
            Assert.DoesNotContain(real.Layers, l => l.Name == "chess club");
        }

        using var again = CourierNode.Open(home, Duress, nodes.Options());
        Assert.Equal(["openings"], again.Cells.Select(c => c.Name));
        Assert.Empty(again.Contacts);
        Assert.Throws<WrongPassphraseException>(() => again.SetDuress("not it", "another"));
        Assert.Throws<ArgumentException>(() => again.SetDuress(Duress, Duress));
    }

    [Fact]
    public void Homes_with_and_without_a_duress_vault_have_the_same_files_sizes_and_open_work()
    {
        using var plain = new TempHome();
        using var withDuress = new TempHome();
        VaultStore.Create(plain.Path, TestNodes.Passphrase, TempHome.FastKdf).Dispose();
        using (var vault = VaultStore.Create(withDuress.Path, TestNodes.Passphrase, TempHome.FastKdf))
        {
            vault.SetDuress(TestNodes.Passphrase, Duress, wipeOnOpen: true);
        }

        Assert.Equal(Shape(plain.Path), Shape(withDuress.Path));
        Assert.Equal(VaultHeader.Size, new FileInfo(Path.Combine(plain.Path, VaultHeader.FileName)).Length);

        // One Argon2id evaluation and both slots tried, whichever passphrase opens and whether or not one does.
        foreach (var (home, passphrase) in new[] { (plain.Path, TestNodes.Passphrase), (plain.Path, Duress), (withDuress.Path, TestNodes.Passphrase), (withDuress.Path, "wrong") })
        {
            VaultStore.TakeWork();
            try
            {
                VaultStore.Open(home, passphrase).Dispose();
            }
            catch (WrongPassphraseException)
            {
            }

            Assert.Equal((1, VaultHeader.SlotCount), VaultStore.TakeWork());
        }

        // The decoy (with the wipe option, so last) does the same work before it wipes.
        VaultStore.TakeWork();
        VaultStore.Open(withDuress.Path, Duress).Dispose();
        Assert.Equal((1, VaultHeader.SlotCount), VaultStore.TakeWork());
        Assert.Equal(Shape(plain.Path), Shape(withDuress.Path));
    }

    [Fact]
    public void Changing_the_passphrase_keeps_the_duress_passphrase_and_changing_the_Argon2id_cost_drops_it()
    {
        using var home = new TempHome();
        using (var vault = VaultStore.Create(home.Path, TestNodes.Passphrase, TempHome.FastKdf))
        {
            vault.SetDuress(TestNodes.Passphrase, Duress, wipeOnOpen: false);
            Assert.Throws<ArgumentException>(() => vault.ChangePassphrase(TestNodes.Passphrase, Duress, null));
            Assert.Throws<WrongPassphraseException>(() => vault.ChangePassphrase(Duress, "a new one", null));
            vault.ChangePassphrase(TestNodes.Passphrase, "a new one", null);
        }

        VaultStore.Open(home.Path, Duress).Dispose();
        using (var vault = VaultStore.Open(home.Path, "a new one"))
        {
            vault.ChangePassphrase("a new one", TestNodes.Passphrase, new VaultKdfParameters(VaultKdfParameters.MinMemoryKiB, 2));
        }

        Assert.Throws<WrongPassphraseException>(() => VaultStore.Open(home.Path, Duress));
        VaultStore.Open(home.Path, TestNodes.Passphrase).Dispose();
    }

    [Fact]
    public void The_slot_that_holds_the_vault_key_is_chosen_at_random()
    {
        var slots = new HashSet<int>();
        for (var i = 0; i < 24 && slots.Count < 2; i++)
        {
            using var home = new TempHome();
            using var vault = VaultStore.Create(home.Path, TestNodes.Passphrase, TempHome.FastKdf);
            slots.Add(vault.Slot);
        }

        Assert.Equal([0, 1], slots.Order());
    }

    [Fact]
    public async Task With_the_wipe_option_opening_the_decoy_leaves_nothing_of_the_real_vault()
    {
        using var nodes = new TestNodes();
        var (alyosha, home) = await RealVaultAsync(nodes);
        alyosha.SetDuress(TestNodes.Passphrase, Duress, wipeOnOpen: true);
        var realSlot = alyosha.Vault.Slot;
        nodes.Close(alyosha);
        var secrets = new SecretSet();
        secrets.AddBytes(File.ReadAllBytes(Path.Combine(home, VaultHeader.FileName)).AsSpan(51 + (realSlot * VaultHeader.SlotSize), VaultHeader.SlotSize).ToArray());
        foreach (var body in SealedBodies(home))
        {
            secrets.AddBytes(body[..41]);
        }

        Assert.True(secrets.Count > 8, $"only {secrets.Count} records");
        Assert.NotNull(secrets.FindIn(File.ReadAllBytes(Path.Combine(home, VaultDatabase.FileName))));

        using (var decoy = CourierNode.Open(home, Duress, nodes.Options()))
        {
            Assert.Empty(decoy.Contacts);
            Assert.Empty(decoy.Inbox());
            decoy.CreateLayer("chess club", [nodes.RelayUri]);
            foreach (var file in Directory.GetFiles(home).Where(f => !f.EndsWith(HomeLock.FileName, StringComparison.Ordinal)))
            {
                Assert.True(secrets.FindIn(File.ReadAllBytes(file)) is null, $"{Path.GetFileName(file)} (open) holds the real vault");
            }
        }

        Assert.Throws<WrongPassphraseException>(() => CourierNode.Open(home, TestNodes.Passphrase, nodes.Options()));
        foreach (var file in Directory.GetFiles(home))
        {
            Assert.True(secrets.FindIn(File.ReadAllBytes(file)) is null, $"{Path.GetFileName(file)} holds the real vault");
        }

        using var after = CourierNode.Open(home, Duress, nodes.Options());
        Assert.Equal(["chess club"], after.Layers.Select(l => l.Name));
    }

    /// <summary>Alyosha's vault: a contact, the cell "north" and a message in it. Returns the open node and its home.</summary>
    internal static async Task<(CourierNode Node, string Home)> RealVaultAsync(TestNodes nodes)
    {
        var starik = nodes.Create();
        var alyosha = nodes.Create();
        var galya = nodes.Create();
        await TestNodes.CellOfThreeAsync(nodes.RelayUri, starik, alyosha, galya);
        await starik.SendAsync("north", "the printing press is under the bath-house");
        await alyosha.SyncAsync();
        return (alyosha, nodes.Homes[1].Path);
    }

    /// <summary>File names and sizes rounded up to SQLite's page (4 KiB).</summary>
    private static List<(string, long)> Shape(string home)
        => Directory.GetFiles(home).Order().Select(f => (Path.GetFileName(f)!, (new FileInfo(f).Length + 4095) / 4096)).ToList();

    /// <summary>Every sealed body in the closed vault's database.</summary>
    private static List<byte[]> SealedBodies(string home)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(home, VaultDatabase.FileName)};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT body FROM records";
        using var reader = command.ExecuteReader();
        var bodies = new List<byte[]>();
        while (reader.Read())
        {
            bodies.Add((byte[])reader.GetValue(0));
        }

        return bodies;
    }
}
