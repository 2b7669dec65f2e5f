using Courier.Node.Cells;
using Microsoft.Data.Sqlite;

namespace Courier.Node.Tests.Node;

/// <summary>
/// Forward secrecy at rest (issue 12, "must hold" 9): once a cell moved on, what its members' disks
/// hold cannot open what it had. An attacker who takes a disk, and perhaps later learns the
/// passphrase, looks in every file of the home (database, WAL, shared memory, free pages) for the
/// secrets of earlier epochs and, since every record is sealed, for the sealed records of earlier
/// states: any of them, unsealed with the vault key, would give back an earlier epoch's keys.
/// </summary>
public class NoOldStateAtRestTests
{
    private const string CellName = "north";
    private const int Epochs = 20;

    [Fact]
    public async Task After_20_epochs_no_file_of_a_home_holds_an_earlier_epoch_s_secrets_or_sealed_records()
    {
        using var nodes = new TestNodes();
        var (a, b) = (nodes.Create(), nodes.Create());
        await nodes.ConnectAsync(a, b, inviterName: "Starik", acceptorName: "Galya");
        a.CreateLayer("layer", [nodes.RelayUri]);
        await a.CreateCellAsync(CellName);
        await a.AddToCellAsync(CellName, ["Galya"]);
        Assert.Equal([CellName], (await b.SyncAsync()).Contacts.JoinedCells);

        var members = new[] { (Node: a, Home: nodes.Homes[0].Path), (Node: b, Home: nodes.Homes[1].Path) };
        var secrets = members.Select(_ => new List<(ulong Epoch, byte[] Bytes)>()).ToArray();
        var sealedRecords = members.Select(_ => new HashSet<string>()).ToArray();
        for (var round = 0; round < Epochs; round++)
        {
            var sender = members[round % 2].Node;
            for (var i = 0; i < 3; i++)
            {
                await sender.SendAsync(CellName, $"message {i} of round {round}");
            }

            await a.RotateKeysAsync(CellName);
            await b.SyncAsync();
            await a.SyncAsync();
            for (var m = 0; m < members.Length; m++)
            {
                secrets[m].AddRange(await members[m].Node.InspectCellAsync(CellName, EpochSecrets));
                sealedRecords[m].UnionWith(SealedRecords(members[m].Home));
            }
        }

        for (var m = 0; m < members.Length; m++)
        {
            var epoch = await members[m].Node.InspectCellAsync(CellName, cell => cell.Group.Epoch);
            Assert.True(epoch > Epochs, $"the cell is at epoch {epoch}");
            var current = SealedRecords(members[m].Home);
            var earlier = new SecretSet();
            foreach (var (_, bytes) in secrets[m].Where(s => s.Epoch < epoch))
            {
                earlier.AddBytes(bytes);
            }

            // A sealed record is version || random nonce || ciphertext: its first 48 bytes, and its
            // last 32 (which a long record keeps on an overflow page), are found only where it is.
            var replaced = sealedRecords[m].Except(current).Select(Convert.FromHexString).ToList();
            Assert.True(replaced.Count > 2 * Epochs, $"only {replaced.Count} replaced records were seen");
            foreach (var body in replaced)
            {
                earlier.AddBytes(body[..48], body[^32..]);
            }

            // The scanner finds what it looks for: a record still current is in the database or its WAL.
            var fresh = Convert.FromHexString(current.First());
            Assert.Contains(new[] { "vault.db", "vault.db-wal" }, file => File.ReadAllBytes(Path.Combine(members[m].Home, file)).AsSpan().IndexOf(fresh[..48]) >= 0);
            Scan(members[m].Home, earlier, "open");
        }

        nodes.Close(a);
        nodes.Close(b);
        for (var m = 0; m < members.Length; m++)
        {
            // Closed, only the records of the last state remain.
            var current = SealedRecords(members[m].Home);
            var gone = new SecretSet();
            foreach (var body in sealedRecords[m].Except(current).Select(Convert.FromHexString))
            {
                gone.AddBytes(body[..48], body[^32..]);
            }

            Scan(members[m].Home, gone, "closed");
        }
    }

    /// <summary>
    /// Within one epoch a send replaces its sender's ratchet generation: the old images of such
    /// records may stay in the WAL for <see cref="NodeOptions.WithinEpochScrubDelay"/> (a checkpoint
    /// per message cost three fsyncs), never longer than the first operation after it, and never past
    /// the epoch's end. The scanner first shows that the window is real, so that finding nothing later
    /// means something.
    /// </summary>
    [Fact]
    public async Task Records_replaced_within_an_epoch_leave_the_WAL_after_the_delay_or_at_once_when_the_epoch_ends()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        using var nodes = new TestNodes();
        var (a, b) = (nodes.Create(nodes.Options(clock)), nodes.Create(nodes.Options(clock)));
        await nodes.ConnectAsync(a, b, inviterName: "Starik", acceptorName: "Galya");
        a.CreateLayer("layer", [nodes.RelayUri]);
        await a.CreateCellAsync(CellName);
        await a.AddToCellAsync(CellName, ["Galya"]);
        Assert.Equal([CellName], (await b.SyncAsync()).Contacts.JoinedCells);
        var home = nodes.Homes[0].Path;
        var seen = SealedRecords(home);

        async Task<SecretSet> SendAsync(int count)
        {
            for (var i = 0; i < count; i++)
            {
                await a.SendAsync(CellName, $"message {i}");
                seen.UnionWith(SealedRecords(home));
            }

            var replaced = new SecretSet();
            foreach (var body in seen.Except(SealedRecords(home)).Select(Convert.FromHexString))
            {
                replaced.AddBytes(body[..48], body[^32..]);
            }

            return replaced;
        }

        // Within the delay, the WAL still holds replaced ratchet generations.
        var replaced = await SendAsync(3);
        Assert.True(replaced.Count > 0, "no record was replaced");
        Assert.NotNull(replaced.FindIn(File.ReadAllBytes(Path.Combine(home, "vault.db-wal"))));

        // The first operation after the delay removes them.
        clock.Advance(TimeSpan.FromSeconds(31));
        Scan(home, await SendAsync(1), "open");

        // The end of an epoch removes them without waiting.
        Assert.NotNull((await SendAsync(3)).FindIn(File.ReadAllBytes(Path.Combine(home, "vault.db-wal"))));
        await a.RotateKeysAsync(CellName);
        Scan(home, await SendAsync(0), "open");
    }

    /// <summary>The current epoch's secrets (RFC 9420 §8) and every secret its secret tree holds (§9), those not yet wiped, with their epoch; not the resumption PSK, which §8.6 keeps for later epochs.</summary>
    private static List<(ulong Epoch, byte[] Bytes)> EpochSecrets(Cell cell)
    {
        var epoch = cell.Group.CurrentEpoch;
        var s = epoch.Secrets;
        return new[] { s.SenderDataSecret, s.EncryptionSecret, s.ExporterSecret, s.ExternalSecret, s.ConfirmationKey, s.MembershipKey, s.EpochAuthenticator, s.InitSecret }
            .Concat(epoch.SecretTree.HeldSecrets)
            .Where(secret => !secret.IsDisposed)
            .Select(secret => (epoch.Epoch, secret.Span.ToArray()))
            .ToList();
    }

    /// <summary>The sealed body of every record in the vault now, read beside the open node as an attacker would, in hex.</summary>
    private static HashSet<string> SealedRecords(string home)
    {
        var path = Path.Combine(home, "vault.db");
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT body FROM records";
        using var reader = command.ExecuteReader();
        var bodies = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            bodies.Add(Convert.ToHexString((byte[])reader.GetValue(0)));
        }

        return bodies;
    }

    private static string[] Files(string home) => Directory.GetFiles(home, "*", SearchOption.AllDirectories);

    private static void Scan(string home, SecretSet earlier, string when)
    {
        foreach (var file in Files(home))
        {
            if (when == "open" && Path.GetFileName(file) == "courier.lock")
            {
                // Held exclusively while open; it is always empty.
                continue;
            }

            var found = earlier.FindIn(File.ReadAllBytes(file));
            Assert.True(found is null, $"{Path.GetFileName(file)} ({when}) still holds {found}");
        }
    }
}
