using System.Text;
using Courier.Mls.Crypto;
using Courier.Mls.Group;
using Courier.Node.Cells;

namespace Courier.Node.Tests.Cells;

public class CellTests
{
    private const CipherSuiteId Suite = CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;

    [Fact]
    public async Task A_cell_of_five_delivers_to_every_member_and_to_nobody_else()
    {
        var relay = new InMemoryDropTransport();
        using var people = new People();
        var cell = await people.CellAsync("north", relay, "Starik", "Alyosha", "Galya", "Volodya", "Nadya");
        var other = await people.CellAsync("south", relay, "Ilya", "Boris");

        await cell["Galya"].SendAsync(new TextContent("greetings from Galya"));
        foreach (var member in new[] { "Starik", "Alyosha", "Volodya", "Nadya" })
        {
            var received = await cell[member].SyncAsync();
            Assert.Equal(new TextContent("greetings from Galya"), Assert.Single(received).Content);
            Assert.Equal("Galya", received[0].Sender);
        }

        // Members of another cell hold no key that opens any of the cell's envelopes.
        foreach (var envelope in relay.AllEnvelopes)
        {
            var payload = Envelope.Open(envelope)!.Value.Payload;
            Assert.ThrowsAny<Exception>(() => other["Ilya"].Group.Process(payload));
        }

        Assert.Empty(await other["Boris"].SyncAsync());
    }

    [Fact]
    public async Task Every_epoch_has_its_own_drop_and_a_removed_member_cannot_read_on()
    {
        var relay = new InMemoryDropTransport();
        using var people = new People();
        var cell = await people.CellAsync("north", relay, "Starik", "Alyosha", "Galya");
        var dropBefore = cell["Galya"].CurrentDrop;

        await cell["Starik"].ChangeMembersAsync([], ["Galya"]);
        await cell["Alyosha"].SyncAsync();
        await cell["Galya"].SyncAsync();
        Assert.False(cell["Galya"].Group.IsActive);
        Assert.NotEqual(dropBefore, cell["Alyosha"].CurrentDrop);

        await cell["Alyosha"].SendAsync(new TextContent("without Galya"));
        Assert.Equal("Alyosha", Assert.Single(await cell["Starik"].SyncAsync()).Sender);
        Assert.Empty(await cell["Galya"].SyncAsync());
    }

    [Fact]
    public async Task A_member_offline_for_twenty_epochs_catches_up()
    {
        var relay = new InMemoryDropTransport();
        using var people = new People();
        var cell = await people.CellAsync("north", relay, "Starik", "Alyosha", "Galya");
        for (var i = 0; i < 20; i++)
        {
            var committer = i % 2 == 0 ? "Starik" : "Alyosha";
            await cell[committer == "Starik" ? "Alyosha" : "Starik"].SyncAsync();
            await cell[committer].UpdateKeysAsync();
            await cell[committer].SendAsync(new TextContent($"epoch {i}"));
        }

        // The last of the 20 commits was Alyosha's.
        var received = await cell["Galya"].SyncAsync();
        Assert.Equal(20, received.Count);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => new TextContent($"epoch {i}")), received.Select(m => m.Content));
        Assert.Equal(cell["Alyosha"].Group.Epoch, cell["Galya"].Group.Epoch);
        Assert.Equal(cell["Alyosha"].Group.EpochAuthenticator(), cell["Galya"].Group.EpochAuthenticator());
    }

    [Fact]
    public async Task Concurrent_commits_resolve_without_a_fork_and_a_late_message_is_sent_again()
    {
        var relay = new InMemoryDropTransport();
        using var people = new People();
        var cell = await people.CellAsync("north", relay, "Starik", "Alyosha", "Galya", "Volodya");
        var oldDrop = cell["Alyosha"].CurrentDrop;

        // Alyosha commits in the same epoch as Starik, but the drop orders Starik's commit first.
        var losing = cell["Alyosha"].Group.Commit();
        await cell["Starik"].UpdateKeysAsync();
        await relay.AppendAsync(oldDrop, Envelope.Seal(EnvelopeKind.Mls, losing.Commit), Courier.Relay.Client.MessageId.NewRandom(), default);

        // Galya writes before she has seen either commit: her message lands after Starik's in the old drop.
        await cell["Galya"].SendAsync(new TextContent("written in the old epoch"), syncFirst: false, default);

        await cell["Alyosha"].SyncAsync();
        await cell["Galya"].SyncAsync();
        Assert.False(cell["Alyosha"].Group.HasPendingCommit);
        // Galya sent her message again in the new epoch: every other member reads it exactly once.
        foreach (var name in new[] { "Starik", "Alyosha", "Volodya" })
        {
            var received = await cell[name].SyncAsync();
            Assert.Single(received, m => m.Content == new TextContent("written in the old epoch"));
            Assert.Equal(cell["Starik"].Group.EpochAuthenticator(), cell[name].Group.EpochAuthenticator());
        }

        // Alyosha's change is not lost: it commits again, and everyone follows.
        await cell["Alyosha"].UpdateKeysAsync();
        await cell["Volodya"].SyncAsync();
        Assert.Equal(cell["Alyosha"].Group.EpochAuthenticator(), cell["Volodya"].Group.EpochAuthenticator());
    }

    [Fact]
    public async Task A_message_too_large_for_an_envelope_is_refused_before_it_spends_a_key_or_enters_the_outbox()
    {
        var relay = new InMemoryDropTransport();
        using var people = new People();
        var cell = await people.CellAsync("north", relay, "Starik", "Alyosha");
        await Assert.ThrowsAsync<ArgumentException>(() => cell["Starik"].SendAsync(new TextContent(new string('x', 70_000))));
        // The saved state still loads: nothing oversize entered the outbox.
        using var restored = Cell.Restore("north", "layer", cell["Starik"].Save(), relay);
        await cell["Starik"].SendAsync(new TextContent("short"));
        Assert.Equal("short", ((TextContent)Assert.Single(await cell["Alyosha"].SyncAsync()).Content).Text);
    }

    /// <summary>Members with their own signing keys, and the cells they make.</summary>
    private sealed class People : IDisposable
    {
        private readonly List<IDisposable> _owned = [];

        public async Task<Dictionary<string, Cell>> CellAsync(string name, IDropTransport relay, params string[] codeNames)
        {
            var bundles = codeNames.Select(Bundle).ToList();
            var cells = new Dictionary<string, Cell> { [codeNames[0]] = await Cell.CreateAsync(name, "layer", bundles[0], relay) };
            var welcome = await cells[codeNames[0]].ChangeMembersAsync(bundles.Skip(1).Select(b => b.KeyPackageBytes).ToList(), []);
            for (var i = 1; i < codeNames.Length; i++)
            {
                cells[codeNames[i]] = await Cell.JoinAsync(name, "layer", welcome!, bundles[i], relay);
            }

            _owned.AddRange(cells.Values);
            return cells;
        }

        public void Dispose() => _owned.ForEach(o => o.Dispose());

        private KeyPackageBundle Bundle(string codeName)
        {
            using var signer = SignaturePrivateKey.Generate(SystemRandom.Instance);
            var bundle = KeyPackageBundle.Generate(Suite, Encoding.UTF8.GetBytes(codeName), signer, 1_577_836_800, 4_102_444_800, SystemRandom.Instance);
            _owned.Add(bundle);
            return bundle;
        }
    }
}
