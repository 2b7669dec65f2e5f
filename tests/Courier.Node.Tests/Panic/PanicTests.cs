using Courier.Node.Cells;
using Courier.Node.Storage;

namespace Courier.Node.Tests.Panic;

/// <summary>
/// Panic (docs/panic.md, must-hold 4 of issue 16): a vault with 10,000 messages destroyed while open,
/// after which opening fails with a typed error and no file left in the home holds the header's key
/// material, a message text or a code name. Its duration is measured by
/// <c>bench/Courier.Node.Load --panic 10000</c> (docs/benchmarks.md), not here.
/// </summary>
public class PanicTests
{
    public const int Messages = 10_000;

    [Fact]
    public async Task Panic_on_an_open_vault_of_10000_messages_leaves_nothing_readable_and_the_node_refuses_to_go_on()
    {
        using var nodes = new TestNodes();
        var (alyosha, home) = await DuressTests.RealVaultAsync(nodes);
        var secrets = new SecretSet();
        secrets.AddText("the printing press is under the bath-house");
        secrets.AddText(TestNodes.Passphrase);
        foreach (var name in alyosha.Cells.Single().Members.Append("north").Concat(alyosha.Contacts.SelectMany(c => new[] { c.Name, c.OurCodeName })))
        {
            secrets.AddText(name);
        }

        FillInbox(alyosha, Messages, secrets);
        var header = File.ReadAllBytes(Path.Combine(home, VaultHeader.FileName));
        secrets.AddBytes(header[19..35], header[^80..^32]);

        // The scanner finds what it looks for in the files as they are before the panic.
        Assert.NotNull(secrets.FindIn(header));
        Assert.True(alyosha.Inbox(unreadOnly: false).Count > Messages);

        Assert.True(CourierNode.Panic(home));

        Assert.True(alyosha.Destroyed);
        await Assert.ThrowsAsync<VaultDestroyedException>(() => alyosha.SyncAsync());
        Assert.Throws<VaultDestroyedException>(() => alyosha.CreateLayer("south", [nodes.RelayUri]));
        ScanHome(home, secrets);
        nodes.Close(alyosha);
        ScanHome(home, secrets);
        Assert.Throws<VaultNotFoundException>(() => CourierNode.Open(home, TestNodes.Passphrase, nodes.Options()));

        // A second panic finds nothing, and harms nothing; nor does one on a home that does not exist.
        Assert.False(CourierNode.Panic(home));
        Assert.False(CourierNode.Panic(Path.Combine(home, "no such home")));
    }

    [Fact]
    public void A_file_panic_cannot_destroy_is_reported_with_a_typed_error_after_everything_else_is_destroyed()
    {
        using var home = new TempHome();
        CourierNode.Init(home.Path, TestNodes.Passphrase, TestNodes.BaseOptions()).Dispose();

        // A header that cannot be opened for writing (here a directory in its place): the rest still goes.
        var header = Path.Combine(home.Path, VaultHeader.FileName);
        File.Move(header, header + ".moved");
        Directory.CreateDirectory(header);
        var e = Assert.Throws<PanicFailedException>(() => CourierNode.Panic(home.Path));
        Assert.Equal("panic_failed", e.ErrorCode);
        Assert.Contains("could not destroy vault.key", e.Message, StringComparison.Ordinal);
        Assert.Contains("the vault key may still be readable", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFiles(home.Path, "vault.db*"));
    }

    [Fact]
    public async Task Panic_while_another_process_holds_the_home_open_destroys_it_and_that_node_stops()
    {
        using var home = new TempHome();
        CourierNode.Init(home.Path, TestNodes.Passphrase, TestNodes.BaseOptions()).Dispose();
        using var holder = ChildProcess.Start("hold-until-destroyed", home.Path, TestNodes.Passphrase);
        Assert.Equal("opened", await holder.StandardOutput.ReadLineAsync());
        Assert.Equal(ChildProcess.ExitLocked, RunOpen(home.Path));

        Assert.True(CourierNode.Panic(home.Path));

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await holder.WaitForExitAsync(timeout.Token);
        Assert.Equal("vault_destroyed", await holder.StandardOutput.ReadLineAsync());
        Assert.Equal(ChildProcess.ExitDestroyed, holder.ExitCode);

        // The node that stopped wrote nothing back: only the empty lock file is left.
        Assert.Equal([HomeLock.FileName], Directory.GetFiles(home.Path).Select(Path.GetFileName));
        Assert.Equal(0, new FileInfo(Path.Combine(home.Path, HomeLock.FileName)).Length);
    }

    /// <summary>Stores <paramref name="count"/> received texts in the node's first cell, in one transaction (10,000 sends would take minutes).</summary>
    internal static void FillInbox(CourierNode node, int count, SecretSet? secrets = null)
    {
        var cell = node.Vault.ReadAll(VaultCollection.Cell, CellRecord.Decode).First();
        var sender = cell.Members.First(m => m != cell.CodeName);
        using var transaction = node.Vault.Begin();
        for (var i = 0; i < count; i++)
        {
            var text = $"message {i:D5}: the meeting moves to the mill";
            var record = new InboxRecord(Vault.NewId(), cell.Name, sender, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), i, text, null, 0, null, 0, null);
            transaction.PutWiped(VaultCollection.Inbox, record.Id, record.Encode(), InboxRecord.LookupName(cell.Id));
            if (i % 1000 == 0)
            {
                secrets?.AddText(text);
            }
        }

        transaction.Commit();
    }

    private static int RunOpen(string home)
    {
        using var child = ChildProcess.Start("open", home, TestNodes.Passphrase);
        child.WaitForExit();
        return child.ExitCode;
    }

    private static void ScanHome(string home, SecretSet secrets)
    {
        var files = Directory.GetFiles(home, "*", SearchOption.AllDirectories);
        Assert.DoesNotContain(files, f => Path.GetFileName(f).StartsWith("vault.", StringComparison.Ordinal));
        foreach (var file in files)
        {
            // The lock (held while the node is open, so not readable here) is always empty.
            Assert.True(Path.GetFileName(file) == HomeLock.FileName ? new FileInfo(file).Length == 0 : secrets.FindIn(File.ReadAllBytes(file)) is null, file);
        }
    }
}
