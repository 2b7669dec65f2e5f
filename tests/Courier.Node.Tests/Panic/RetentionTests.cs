using Courier.Node.Cells;
using Courier.Node.Storage;
using Microsoft.Data.Sqlite;

namespace Courier.Node.Tests.Panic;

/// <summary>
/// Disappearing messages (docs/panic.md, must-hold 6 of issue 16): a retention any member sets
/// reaches every member, and a message older than it is gone from every member's vault files
/// (database, WAL, free pages), while newer ones stay. The clock is a manual one: nobody waits.
/// </summary>
public class RetentionTests
{
    [Fact]
    public async Task A_message_older_than_the_cells_retention_is_gone_from_every_members_files_and_newer_ones_stay()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        using var nodes = new TestNodes();
        var starik = nodes.Create(nodes.Options(clock));
        var alyosha = nodes.Create(nodes.Options(clock));
        var galya = nodes.Create(nodes.Options(clock));
        var members = new[] { starik, alyosha, galya };
        await TestNodes.CellOfThreeAsync(nodes.RelayUri, starik, alyosha, galya);

        // Any member sets it, and every member shows it.
        await alyosha.SetRetentionAsync("north", TimeSpan.FromSeconds(10));
        await SyncAllAsync(members);
        var setBy = alyosha.Describe("north").CodeName;
        Assert.All(members, m => Assert.Equal((TimeSpan.FromSeconds(10), setBy), (m.Describe("north").Retention!.Value, m.Describe("north").RetentionSetBy)));

        await starik.SendAsync("north", "burn the leaflets after reading");
        await galya.SendAsync("north", "the courier arrives on Thursday");
        await SyncAllAsync(members);
        var old = new SecretSet();
        foreach (var member in members)
        {
            Assert.Contains(member.Inbox(), m => m.Text is "burn the leaflets after reading" or "the courier arrives on Thursday");
            AddSealed(member, VaultCollection.Inbox, old);
        }

        clock.Advance(TimeSpan.FromSeconds(11));
        await starik.SendAsync("north", "a message within the retention");
        await SyncAllAsync(members);
        var kept = new SecretSet();
        foreach (var member in members.Skip(1))
        {
            Assert.Equal(["a message within the retention"], member.Inbox().Select(m => m.Text));
            AddSealed(member, VaultCollection.Inbox, kept);
        }

        Assert.Empty(starik.Inbox());
        Assert.True(old.Count >= 4 && kept.Count == 2, $"{old.Count} old and {kept.Count} kept records");
        foreach (var home in nodes.Homes)
        {
            Scan(home.Path, old, expectFound: false);
        }

        // The scan would have seen them: the messages still within the retention are found.
        Assert.All(nodes.Homes.Skip(1), home => Scan(home.Path, kept, expectFound: true));

        // Once closed, and opened again later, nothing older than the retention remains either.
        var home1 = nodes.Homes[1].Path;
        nodes.Close(alyosha);
        clock.Advance(TimeSpan.FromSeconds(11));
        using var reopened = CourierNode.Open(home1, TestNodes.Passphrase, nodes.Options(clock));
        Assert.Empty(reopened.Vault.List(VaultCollection.Inbox));
        Scan(home1, kept, expectFound: false);
    }

    [Fact]
    public void Of_two_settings_the_later_wins_whatever_the_order_they_arrive_in()
    {
        var early = new CellRetention(10, 1000, "Quiet Otter");
        var late = new CellRetention(3600, 2000, "Brave Owl");
        Assert.True(late.Supersedes(early));
        Assert.False(early.Supersedes(late));
        Assert.True(early.Supersedes(null));
        Assert.True((early with { SetBy = "Zed" }).Supersedes(early));
        Assert.Equal(new RetentionSetting(10, 1000), CellContent.Parse(new RetentionSetting(10, 1000).ToBytes()));
        Assert.Null(CellContent.Parse([5, 0, 0]));
        Assert.Null(CellContent.Parse(new Forwarded("another cell", new RetentionSetting(10, 1000)).ToBytes()));
    }

    private static async Task SyncAllAsync(IEnumerable<CourierNode> members)
    {
        foreach (var member in members)
        {
            await member.SyncAsync();
        }
    }

    /// <summary>The start (version, nonce and 16 bytes of ciphertext) of every record's sealed body in <paramref name="collection"/>, read from the database as stored.</summary>
    internal static void AddSealed(CourierNode node, VaultCollection collection, SecretSet secrets)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(node.Home, VaultDatabase.FileName)};Mode=ReadOnly;Pooling=False");
        connection.Open();
        foreach (var (id, plaintext) in node.Vault.List(collection))
        {
            Array.Clear(plaintext);
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT body FROM records WHERE id = $id";
            command.Parameters.AddWithValue("$id", id);
            secrets.AddBytes(((byte[])command.ExecuteScalar()!)[..41]);
        }
    }

    private static void Scan(string home, SecretSet secrets, bool expectFound)
    {
        var found = Directory.GetFiles(home).Where(f => Path.GetFileName(f) != HomeLock.FileName).Select(f => (File: Path.GetFileName(f), What: secrets.FindIn(File.ReadAllBytes(f)))).Where(r => r.What is not null).ToList();
        Assert.True(expectFound ? found.Count > 0 : found.Count == 0, string.Join("; ", found.Select(f => $"{f.File}: {f.What}")));
    }
}
