using VaultStore = Courier.Node.Storage.Vault;
using System.Text;
using Courier.Node.Storage;
using Microsoft.Data.Sqlite;

namespace Courier.Node.Tests.Storage;

public class VaultTests
{
    private const string Passphrase = "correct horse battery staple";

    /// <summary>Kinds of record are numbered by hand, often on branches at once: two names for one number would mix two kinds of record silently.</summary>
    [Fact]
    public void Every_kind_of_record_has_a_number_of_its_own()
    {
        var numbers = Enum.GetNames<VaultCollection>().GroupBy(name => (byte)Enum.Parse<VaultCollection>(name));
        Assert.Empty(numbers.Where(n => n.Count() > 1).Select(n => $"{n.Key}: {string.Join(", ", n)}"));
    }

    [Fact]
    public void Records_survive_close_and_reopen_and_are_found_by_lookup_name()
    {
        using var home = new TempHome();
        var id = VaultStore.NewId();
        using (var vault = VaultStore.Create(home.Path, Passphrase, TempHome.FastKdf))
        using (var transaction = vault.Begin())
        {
            transaction.Put(VaultCollection.Contact, id, "hello"u8, lookupName: "starik");
            transaction.Commit();
        }

        using (var vault = VaultStore.Open(home.Path, Passphrase))
        {
            Assert.Equal("hello"u8.ToArray(), vault.Get(VaultCollection.Contact, id));
            Assert.Null(vault.Get(VaultCollection.PendingIntroduction, id));
            Assert.Single(vault.Find(VaultCollection.Contact, "starik"));
            Assert.Empty(vault.Find(VaultCollection.Contact, "alyosha"));
            Assert.Empty(vault.List(VaultCollection.PendingIntroduction));
        }
    }

    [Fact]
    public void Replacing_a_record_keeps_or_changes_its_lookup_name_and_collection_as_given()
    {
        using var home = new TempHome();
        using var vault = VaultStore.Create(home.Path, Passphrase, TempHome.FastKdf);
        var id = VaultStore.NewId();
        void Put(VaultCollection collection, string body, string? lookup)
        {
            using var transaction = vault.Begin();
            transaction.Put(collection, id, Encoding.UTF8.GetBytes(body), lookup);
            transaction.Commit();
        }

        Put(VaultCollection.Contact, "one", "starik");
        Put(VaultCollection.Contact, "two", "starik");
        Assert.Equal("two", Encoding.UTF8.GetString(Assert.Single(vault.Find(VaultCollection.Contact, "starik")).Plaintext));

        Put(VaultCollection.Contact, "three", "galya");
        Assert.Empty(vault.Find(VaultCollection.Contact, "starik"));
        Assert.Equal("three", Encoding.UTF8.GetString(Assert.Single(vault.Find(VaultCollection.Contact, "galya")).Plaintext));

        Put(VaultCollection.Contact, "four", null);
        Assert.Empty(vault.Find(VaultCollection.Contact, "galya"));
        Put(VaultCollection.Layer, "five", "galya");
        Assert.Null(vault.Get(VaultCollection.Contact, id));
        Assert.Equal("five", Encoding.UTF8.GetString(vault.Get(VaultCollection.Layer, id)!));
        Assert.Single(vault.Find(VaultCollection.Layer, "galya"));
    }

    [Fact]
    public void A_wrong_passphrase_is_refused_and_changes_no_byte_of_the_home()
    {
        using var home = new TempHome();
        using (var vault = VaultStore.Create(home.Path, Passphrase, TempHome.FastKdf))
        using (var transaction = vault.Begin())
        {
            transaction.Put(VaultCollection.Contact, VaultStore.NewId(), "x"u8);
            transaction.Commit();
        }

        var before = home.Snapshot();
        var error = Assert.Throws<WrongPassphraseException>(() => VaultStore.Open(home.Path, "Tr0ub4dor&3"));
        Assert.Contains("passphrase is wrong", error.Message, StringComparison.Ordinal);
        Assert.Equal("wrong_passphrase", error.ErrorCode);
        AssertSameFiles(before, home.Snapshot());

        // And the right passphrase still opens it.
        using var reopened = VaultStore.Open(home.Path, Passphrase);
        Assert.Single(reopened.List(VaultCollection.Contact));
    }

    [Fact]
    public void Init_on_an_existing_vault_is_refused_and_changes_nothing()
    {
        using var home = new TempHome();
        VaultStore.Create(home.Path, Passphrase, TempHome.FastKdf).Dispose();
        var before = home.Snapshot();
        Assert.Throws<VaultExistsException>(() => VaultStore.Create(home.Path, "other", TempHome.FastKdf));
        AssertSameFiles(before, home.Snapshot());
    }

    /// <summary>A database whose header is lost (or not yet restored) may be someone's only copy: init neither deletes nor overwrites it.</summary>
    [Theory]
    [InlineData("vault.db")]
    [InlineData("vault.db-wal")]
    public void Init_beside_a_database_without_its_header_is_refused_and_changes_nothing(string left)
    {
        using var home = new TempHome();
        var id = VaultStore.NewId();
        using (var vault = VaultStore.Create(home.Path, Passphrase, TempHome.FastKdf))
        using (var transaction = vault.Begin())
        {
            transaction.Put(VaultCollection.Contact, id, "the only copy"u8);
            transaction.Commit();
        }

        var header = Path.Combine(home.Path, VaultHeader.FileName);
        var saved = File.ReadAllBytes(header);
        File.Delete(header);
        foreach (var file in Directory.GetFiles(home.Path).Where(f => Path.GetFileName(f) is not ("vault.db" or "courier.lock") && Path.GetFileName(f) != left))
        {
            File.Delete(file);
        }

        if (left != "vault.db")
        {
            File.Move(Path.Combine(home.Path, "vault.db"), Path.Combine(home.Path, left));
        }

        var before = home.Snapshot();
        var error = Assert.Throws<VaultExistsException>(() => CourierNode.Init(home.Path, "another passphrase", new NodeOptions { Kdf = TempHome.FastKdf }));
        Assert.Equal("vault_exists", error.ErrorCode);
        Assert.Contains("without its header", error.Message, StringComparison.Ordinal);
        AssertSameFiles(before, home.Snapshot());

        // Restoring the header brings the vault back whole.
        if (left == "vault.db")
        {
            File.WriteAllBytes(header, saved);
            using var reopened = VaultStore.Open(home.Path, Passphrase);
            Assert.Equal("the only copy"u8.ToArray(), reopened.Get(VaultCollection.Contact, id));
        }
    }

    [Fact]
    public void Open_without_a_vault_says_so()
    {
        using var home = new TempHome();
        Assert.Throws<VaultNotFoundException>(() => VaultStore.Open(home.Path, Passphrase));
    }

    [Fact]
    public void A_second_open_in_the_same_process_is_refused_while_the_first_is_open()
    {
        using var home = new TempHome();
        using (VaultStore.Create(home.Path, Passphrase, TempHome.FastKdf))
        {
            var error = Assert.Throws<HomeLockedException>(() => VaultStore.Open(home.Path, Passphrase));
            Assert.Equal("home_locked", error.ErrorCode);
        }

        VaultStore.Open(home.Path, Passphrase).Dispose();
    }

    [Fact]
    public void A_second_process_is_refused_while_the_first_has_the_home_open_and_admitted_after()
    {
        using var home = new TempHome();
        using (VaultStore.Create(home.Path, Passphrase, TempHome.FastKdf))
        {
            Assert.Equal(ChildProcess.ExitLocked, RunToEnd(ChildProcess.Start("open", home.Path, Passphrase)));
        }

        Assert.Equal(ChildProcess.ExitOpened, RunToEnd(ChildProcess.Start("open", home.Path, Passphrase)));
    }

    [Fact]
    public void A_process_killed_while_writing_leaves_every_committed_record_intact()
    {
        using var home = new TempHome();
        VaultStore.Create(home.Path, Passphrase, TempHome.FastKdf).Dispose();

        var committed = new List<string>();
        using (var child = ChildProcess.Start("write-forever", home.Path, Passphrase))
        {
            while (committed.Count < 200 && child.StandardOutput.ReadLine() is { } line)
            {
                committed.Add(line);
            }

            child.Kill();
            child.WaitForExit();

            // What the child reported before it died but the test had not read yet is committed too.
            while (child.StandardOutput.ReadLine() is { } line)
            {
                committed.Add(line);
            }
        }

        Assert.True(committed.Count >= 200);
        using var vault = VaultStore.Open(home.Path, Passphrase);
        var stored = vault.List(VaultCollection.Contact).Select(r => Convert.ToHexString(r.Id)).ToHashSet();
        Assert.All(committed, id => Assert.Contains(id, stored));

        // At most the one write in flight at the kill is beyond what was reported.
        Assert.InRange(stored.Count, committed.Count, committed.Count + 1);
    }

    [Fact]
    public void An_abandoned_transaction_leaves_nothing_and_earlier_commits_stay()
    {
        using var home = new TempHome();
        var kept = VaultStore.NewId();
        using (var vault = VaultStore.Create(home.Path, Passphrase, TempHome.FastKdf))
        {
            using (var transaction = vault.Begin())
            {
                transaction.Put(VaultCollection.Contact, kept, "kept"u8);
                transaction.Commit();
            }

            using (var transaction = vault.Begin())
            {
                transaction.Put(VaultCollection.Contact, VaultStore.NewId(), "abandoned"u8);
                transaction.Delete(kept);
            }
        }

        using var reopened = VaultStore.Open(home.Path, Passphrase);
        var all = reopened.List(VaultCollection.Contact);
        Assert.Single(all);
        Assert.Equal("kept"u8.ToArray(), all[0].Plaintext);
    }

    [Theory]
    [InlineData("flip-header-byte")]
    [InlineData("truncate-header")]
    [InlineData("header-parameters-out-of-range")]
    [InlineData("garbage-database")]
    [InlineData("missing-database")]
    [InlineData("database-of-another-vault")]
    public void A_damaged_vault_gives_a_typed_error(string damage)
    {
        using var home = new TempHome();
        VaultStore.Create(home.Path, Passphrase, TempHome.FastKdf).Dispose();
        var headerPath = Path.Combine(home.Path, VaultHeader.FileName);
        var databasePath = Path.Combine(home.Path, VaultDatabase.FileName);
        switch (damage)
        {
            case "flip-header-byte":
                var header = File.ReadAllBytes(headerPath);
                header[60] ^= 0x01;
                File.WriteAllBytes(headerPath, header);
                break;
            case "truncate-header":
                File.WriteAllBytes(headerPath, File.ReadAllBytes(headerPath)[..100]);
                break;
            case "header-parameters-out-of-range":
                // A header that asks for 2^32 - 1 KiB, with a valid checksum: refused before any work.
                var bytes = File.ReadAllBytes(headerPath);
                bytes.AsSpan(11, 4).Fill(0xFF);
                System.Security.Cryptography.SHA256.HashData(bytes.AsSpan(0, VaultHeader.Size - 32), bytes.AsSpan(VaultHeader.Size - 32));
                File.WriteAllBytes(headerPath, bytes);
                break;
            case "garbage-database":
                File.WriteAllBytes(databasePath, Encoding.ASCII.GetBytes(new string('z', 8192)));
                break;
            case "missing-database":
                File.Delete(databasePath);
                break;
            case "database-of-another-vault":
                using (var otherHome = new TempHome())
                {
                    VaultStore.Create(otherHome.Path, Passphrase, TempHome.FastKdf).Dispose();
                    File.Copy(Path.Combine(otherHome.Path, VaultDatabase.FileName), databasePath, overwrite: true);
                }

                break;
        }

        var error = Assert.Throws<VaultCorruptedException>(() => VaultStore.Open(home.Path, Passphrase));
        Assert.Equal("vault_corrupted", error.ErrorCode);
        Assert.Contains("Restore", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_altered_or_moved_record_is_reported_as_corruption_when_read()
    {
        using var home = new TempHome();
        var first = VaultStore.NewId();
        var second = VaultStore.NewId();
        using (var vault = VaultStore.Create(home.Path, Passphrase, TempHome.FastKdf))
        using (var transaction = vault.Begin())
        {
            transaction.Put(VaultCollection.Contact, first, "first"u8);
            transaction.Put(VaultCollection.Contact, second, "second"u8);
            transaction.Commit();
        }

        // Swap the two sealed bodies: each is intact, but bound to the other id.
        using (var connection = new SqliteConnection($"Data Source={Path.Combine(home.Path, VaultDatabase.FileName)};Pooling=False"))
        {
            connection.Open();
            var bodies = new Dictionary<string, byte[]>();
            using (var read = connection.CreateCommand())
            {
                read.CommandText = "SELECT id, body FROM records";
                using var reader = read.ExecuteReader();
                while (reader.Read())
                {
                    bodies[Convert.ToHexString((byte[])reader.GetValue(0))] = (byte[])reader.GetValue(1);
                }
            }

            foreach (var (id, other) in new[] { (first, second), (second, first) })
            {
                using var write = connection.CreateCommand();
                write.CommandText = "UPDATE records SET body = $body WHERE id = $id";
                write.Parameters.AddWithValue("$body", bodies[Convert.ToHexString(other)]);
                write.Parameters.AddWithValue("$id", id);
                Assert.Equal(1, write.ExecuteNonQuery());
            }
        }

        using var reopened = VaultStore.Open(home.Path, Passphrase);
        Assert.Throws<VaultCorruptedException>(() => reopened.Get(VaultCollection.Contact, first));
        Assert.Throws<VaultCorruptedException>(() => reopened.List(VaultCollection.Contact));
    }

    [Fact]
    public void Changing_the_passphrase_rewraps_the_key_and_keeps_the_records()
    {
        using var home = new TempHome();
        var id = VaultStore.NewId();
        using (var vault = VaultStore.Create(home.Path, Passphrase, TempHome.FastKdf))
        {
            using (var transaction = vault.Begin())
            {
                transaction.Put(VaultCollection.Contact, id, "kept"u8);
                transaction.Commit();
            }

            Assert.Throws<WrongPassphraseException>(() => vault.ChangePassphrase("not it", "new passphrase", null));
            vault.ChangePassphrase(Passphrase, "new passphrase", new VaultKdfParameters(16, 2));
        }

        Assert.Throws<WrongPassphraseException>(() => VaultStore.Open(home.Path, Passphrase));
        using var reopened = VaultStore.Open(home.Path, "new passphrase");
        Assert.Equal(new VaultKdfParameters(16, 2), reopened.Kdf);
        Assert.Equal("kept"u8.ToArray(), reopened.Get(VaultCollection.Contact, id));
    }

    [Fact]
    public void The_default_parameters_are_64_MiB_and_3_passes_and_work()
    {
        Assert.Equal(64 * 1024, VaultKdfParameters.Default.MemoryKiB);
        Assert.Equal(3, VaultKdfParameters.Default.Passes);
        using var home = new TempHome();
        VaultStore.Create(home.Path, Passphrase, VaultKdfParameters.Default).Dispose();
        using var vault = VaultStore.Open(home.Path, Passphrase);
        Assert.Equal(VaultKdfParameters.Default, vault.Kdf);
    }

    private static int RunToEnd(System.Diagnostics.Process process)
    {
        using (process)
        {
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode;
        }
    }

    private static void AssertSameFiles(Dictionary<string, byte[]> before, Dictionary<string, byte[]> after)
    {
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (var (name, content) in before)
        {
            Assert.True(content.AsSpan().SequenceEqual(after[name]), $"{name} changed");
        }
    }
}
