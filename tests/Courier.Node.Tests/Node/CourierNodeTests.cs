using Courier.Node.Storage;
using Microsoft.Data.Sqlite;

namespace Courier.Node.Tests.Node;

public class CourierNodeTests
{
    [Fact]
    public async Task Contacts_survive_closing_and_reopening()
    {
        using var nodes = new TestNodes();
        var alice = nodes.Create();
        var bob = nodes.Create();
        var (bobAtAlice, _) = await nodes.ConnectAsync(alice, bob, acceptorName: "Alyosha");
        nodes.Close(alice);

        using var reopened = CourierNode.Open(nodes.Homes[0].Path, TestNodes.Passphrase, nodes.Options());
        Assert.Equal([bobAtAlice], reopened.Contacts);
        Assert.Equal(bobAtAlice, reopened.FindContact("alyosha"));
        Assert.Equal(bobAtAlice, reopened.FindContact(bobAtAlice.Id));
    }

    [Fact]
    public async Task A_wrong_passphrase_is_refused_with_a_clear_message_and_nothing_changes()
    {
        using var nodes = new TestNodes();
        var alice = nodes.Create();
        var bob = nodes.Create();
        await nodes.ConnectAsync(alice, bob);
        nodes.Close(alice);
        var home = nodes.Homes[0];
        var before = home.Snapshot();

        var error = Assert.Throws<WrongPassphraseException>(() => CourierNode.Open(home.Path, "not the passphrase", TestNodes.BaseOptions()));
        Assert.Equal("The passphrase is wrong: the vault was not opened, and nothing in it was read or changed.", error.Message);

        var after = home.Snapshot();
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        Assert.All(before, file => Assert.True(file.Value.AsSpan().SequenceEqual(after[file.Key]), file.Key));
        using var reopened = CourierNode.Open(home.Path, TestNodes.Passphrase, TestNodes.BaseOptions());
        Assert.Single(reopened.Contacts);
    }

    [Fact]
    public void Init_open_and_lock_errors_are_typed()
    {
        using var nodes = new TestNodes();
        var alice = nodes.Create();
        var home = nodes.Homes[0].Path;
        Assert.Throws<HomeLockedException>(() => CourierNode.Open(home, TestNodes.Passphrase, TestNodes.BaseOptions()));
        Assert.Throws<HomeLockedException>(() => CourierNode.Init(home, TestNodes.Passphrase, TestNodes.BaseOptions()));
        nodes.Close(alice);
        Assert.Throws<VaultExistsException>(() => CourierNode.Init(home, TestNodes.Passphrase, TestNodes.BaseOptions()));

        using var empty = new TempHome();
        Assert.Throws<VaultNotFoundException>(() => CourierNode.Open(empty.Path, TestNodes.Passphrase, TestNodes.BaseOptions()));
        Assert.Throws<ArgumentException>(() => CourierNode.Init(empty.Path, "", TestNodes.BaseOptions()));
    }

    [Fact]
    public async Task A_damaged_contact_record_is_reported_as_a_corrupted_vault()
    {
        using var nodes = new TestNodes();
        var alice = nodes.Create();
        var bob = nodes.Create();
        await nodes.ConnectAsync(alice, bob);
        nodes.Close(alice);
        using (var connection = new SqliteConnection($"Data Source={Path.Combine(nodes.Homes[0].Path, VaultDatabase.FileName)};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE records SET body = substr(body, 1, 40) || zeroblob(1) || substr(body, 42)";
            Assert.Equal(1, command.ExecuteNonQuery());
        }

        using var reopened = CourierNode.Open(nodes.Homes[0].Path, TestNodes.Passphrase, nodes.Options());
        var error = Assert.Throws<VaultCorruptedException>(() => reopened.Contacts);
        Assert.Equal("vault_corrupted", error.ErrorCode);
    }

    [Fact]
    public async Task Contacts_are_found_by_id_or_unique_name_and_ambiguity_is_reported()
    {
        using var nodes = new TestNodes();
        var alice = nodes.Create();
        var (first, _) = await nodes.ConnectAsync(alice, nodes.Create(), acceptorName: "Fox");
        var (second, _) = await nodes.ConnectAsync(alice, nodes.Create(), acceptorName: "fox");

        Assert.Equal(first, alice.FindContact(first.Id));
        Assert.Equal(second, alice.FindContact(second.Id));
        var ambiguous = Assert.Throws<UnknownContactException>(() => alice.FindContact("FOX"));
        Assert.Contains("2 contacts", ambiguous.Message, StringComparison.Ordinal);
        Assert.Throws<UnknownContactException>(() => alice.FindContact("wolf"));
        Assert.Throws<UnknownContactException>(() => alice.FindContact(new string('0', 32)));
        Assert.Throws<UnknownContactException>(() => alice.FindContact(new string('z', 32)));
    }

    [Fact]
    public void The_passphrase_can_be_changed_with_stronger_parameters()
    {
        using var nodes = new TestNodes();
        var alice = nodes.Create();
        alice.ChangePassphrase(TestNodes.Passphrase, "a new passphrase", new VaultKdfParameters(64, 2));
        nodes.Close(alice);
        Assert.Throws<WrongPassphraseException>(() => CourierNode.Open(nodes.Homes[0].Path, TestNodes.Passphrase, nodes.Options()));
        using var reopened = CourierNode.Open(nodes.Homes[0].Path, "a new passphrase", nodes.Options());
        Assert.Equal(new VaultKdfParameters(64, 2), reopened.Kdf);
    }

    [Fact]
    public void The_default_home_is_dot_courier_in_the_user_profile()
        => Assert.Equal(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".courier"), CourierNode.DefaultHome);

    [Fact]
    public void Every_node_error_has_a_distinct_stable_code()
    {
        var types = typeof(NodeException).Assembly.GetExportedTypes().Where(t => t.IsSubclassOf(typeof(NodeException))).ToList();
        var codes = types.Select(t => t == typeof(ShareRefusedException)
            ? new ShareRefusedException(ShareRefusal.TooFew, "message").ErrorCode
            : ((NodeException)Activator.CreateInstance(t, "message", null)!).ErrorCode).ToList();
        Assert.Equal(41, types.Count);
        Assert.Equal(codes.Count, codes.Distinct().Count());
        Assert.All(codes, code => Assert.Matches("^[a-z_]+$", code));
    }
}
