namespace Courier.Node.Tests.Storage;

/// <summary>Homes written by an earlier Courier (TestVectors/README.md): migrated when nothing changed for them, refused whole otherwise, never misread.</summary>
public sealed class VaultFormatTests : IDisposable
{
    private const string Passphrase = "an old home's passphrase";

    private readonly string _root = Directory.CreateTempSubdirectory("courier-old-homes-").FullName;

    [Fact]
    public void A_format_1_home_without_cells_is_migrated_and_keeps_its_contacts()
    {
        var home = Copy("contacts-only");
        using (var node = CourierNode.Open(home, Passphrase, TestNodes.BaseOptions()))
        {
            var contact = Assert.Single(node.Contacts);
            Assert.Equal("Keen Calf", contact.Name);
            Assert.Equal("Galya", contact.OurCodeName);
            Assert.Empty(node.Cells);
        }

        // Migrated once: it opens again as a current vault.
        Assert.Equal(3, Schema(home));
        using var again = CourierNode.Open(home, Passphrase, TestNodes.BaseOptions());
        Assert.Single(again.Contacts);
    }

    /// <summary>Format 3 numbers pairwise messages (contact record version 2): a format-2 home's contacts read as having sent and received none yet, and its cells are kept.</summary>
    [Theory]
    [InlineData("format2-founder", 1)]
    [InlineData("format2-member", 0)]
    public async Task A_format_2_home_is_migrated_and_keeps_its_contacts_cell_and_inbox(string fixture, int inbox)
    {
        var home = Copy(fixture);
        Assert.Equal(2, Schema(home));
        for (var open = 0; open < 2; open++)
        {
            using var node = CourierNode.Open(home, Passphrase, TestNodes.BaseOptions(relay: new InMemoryRelay()));
            var contact = Assert.Single(node.Contacts);
            using (var record = node.FindRecord(contact.Id))
            {
                Assert.Equal(0, record.LastSent);
                Assert.Equal(Courier.Node.Contacts.ReplayWindow.Empty, record.Received);
                Assert.NotEmpty(record.OurBundles);
            }

            var cell = Assert.Single(node.Cells);
            Assert.Equal(("north", 2), (cell.Name, cell.Members.Count));
            Assert.Equal(cell.Epoch, await node.InspectCellAsync("north", c => c.Group.Epoch));
            Assert.Equal(inbox, node.Inbox().Count(m => m.Text == "before the upgrade"));
            Assert.Equal(3, Schema(home));
        }
    }

    /// <summary>Only format 1 with cells is refused: a format-2 home whose Welcome still waits for delivery is migrated like any other.</summary>
    [Fact]
    public void A_format_2_home_with_a_Welcome_waiting_for_delivery_is_migrated()
    {
        var home = Copy("format2-founder");
        using (var node = CourierNode.Open(home, Passphrase, TestNodes.BaseOptions()))
        using (var transaction = node.Vault.Begin())
        {
            transaction.Put(Courier.Node.Storage.VaultCollection.WelcomeDelivery, Courier.Node.Storage.Vault.NewId(), "waiting"u8);
            transaction.Commit();
        }

        Execute(home, "UPDATE meta SET value = 2 WHERE name = 'schema'");
        using (var node = CourierNode.Open(home, Passphrase, TestNodes.BaseOptions()))
        {
            Assert.Single(node.Cells);
        }

        Assert.Equal(3, Schema(home));
    }

    [Theory]
    [InlineData("with-cells")]
    [InlineData("member")]
    public void A_format_1_home_with_cells_is_refused_with_a_clear_error_and_left_unchanged(string fixture)
    {
        var home = Copy(fixture);
        var before = Snapshot(home);

        var error = Assert.Throws<VaultFormatException>(() => CourierNode.Open(home, Passphrase, TestNodes.BaseOptions()));
        Assert.Equal("vault_format", error.ErrorCode);
        Assert.Contains("earlier version of Courier (format 1)", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("north", error.Message, StringComparison.Ordinal);

        // Nothing was changed, and the refusal released the home: the same answer again, not "locked".
        Assert.Equal(before, Snapshot(home));
        Assert.Throws<VaultFormatException>(() => CourierNode.Open(home, Passphrase, TestNodes.BaseOptions()));

        // A wrong passphrase is still told apart: nothing is read before the passphrase is proven.
        Assert.Throws<WrongPassphraseException>(() => CourierNode.Open(home, "not the passphrase", TestNodes.BaseOptions()));
    }

    /// <summary>A format-1 header (one slot, 155 bytes) still opens; setting a duress passphrase rewrites it as format 2 (two slots), after which both passphrases open their vaults.</summary>
    [Fact]
    public void A_format_1_header_opens_and_becomes_format_2_when_a_duress_passphrase_is_set()
    {
        var home = Copy("contacts-only");
        var header = Path.Combine(home, "vault.key");
        Assert.Equal(155, new FileInfo(header).Length);
        using (var node = CourierNode.Open(home, Passphrase, TestNodes.BaseOptions()))
        {
            node.SetDuress(Passphrase, "the other one");
        }

        Assert.Equal(Courier.Node.Storage.VaultHeader.Size, new FileInfo(header).Length);
        using (var node = CourierNode.Open(home, Passphrase, TestNodes.BaseOptions()))
        {
            Assert.Equal("Keen Calf", Assert.Single(node.Contacts).Name);
        }

        using var decoy = CourierNode.Open(home, "the other one", TestNodes.BaseOptions());
        Assert.Empty(decoy.Contacts);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
    }

    private static long Schema(string home) => (long)Execute(home, "SELECT value FROM meta WHERE name = 'schema'")!;

    private static object? Execute(string home, string sql)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(home, "vault.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static Dictionary<string, string> Snapshot(string home)
        => new[] { "vault.db", "vault.key" }.ToDictionary(f => f, f => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(home, f)))));

    private string Copy(string fixture)
    {
        var source = Path.Combine(AppContext.BaseDirectory, "TestVectors", "old-homes", fixture);
        var home = Path.Combine(_root, fixture);
        Directory.CreateDirectory(home);
        foreach (var file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(home, Path.GetFileName(file)));
        }

        return home;
    }
}
