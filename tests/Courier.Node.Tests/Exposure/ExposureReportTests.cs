using System.Text;
using Courier.Mls.Group;
using Courier.Node.Bulletins;
using Courier.Node.Exposure;
using Courier.Node.Relay;

namespace Courier.Node.Tests.Exposure;

/// <summary>
/// Issue 16, must-hold 1 (first half): the exposure report of a member of two cells in two layers lists
/// exactly what the test put into its vault, each item cross-checked from the other nodes' side, and no
/// code name of anyone the node was never told about.
/// </summary>
public sealed class ExposureReportTests
{
    [Fact]
    public async Task A_member_of_two_cells_in_two_layers_is_shown_exactly_what_it_holds_and_nothing_else()
    {
        var north = new InMemoryRelay("http://north.relay/");
        var south = new InMemoryRelay("http://south.relay/");
        IRelay Connect(Uri address) => address.ToString() == south.Address ? south : north;
        using var nodes = new TestNodes(north);
        var options = new NodeOptions { Kdf = TempHome.FastKdf, FirstContactTimeout = TimeSpan.FromSeconds(20), RelayRetry = TimeSpan.FromSeconds(1), Relays = Connect };
        var (liaison, starik, vera, yuri, xenia) = (nodes.Create(options), nodes.Create(options), nodes.Create(options), nodes.Create(options), nodes.Create(options));
        var (northUri, southUri) = (new Uri(north.Address), new Uri(south.Address));

        // Starik (north) knows the liaison as "Lev", Yuri and Xenia; Vera (south) knows the liaison as "Lyova".
        await ContactAsync(northUri, starik, liaison, "Starik", "Lev");
        await ContactAsync(northUri, starik, yuri, "Uncle", "Yuri");
        await ContactAsync(northUri, starik, xenia, "Uncle", "Xenia");
        await ContactAsync(southUri, vera, liaison, "Vera", "Lyova");

        // Cells: north-1 (Starik, the liaison), south-1 (Vera, the liaison); north-2 (Starik, Xenia), which the liaison is not in.
        starik.CreateLayer("north", [northUri]);
        vera.CreateLayer("south", [southUri]);
        await starik.CreateCellAsync("north-1", codeName: "Starik-n1");
        await starik.AddToCellAsync("north-1", ["Lev"]);
        await starik.CreateCellAsync("north-2", codeName: "Starik-n2");
        await starik.AddToCellAsync("north-2", ["Xenia"]);
        await vera.CreateCellAsync("south-1", codeName: "Vera-s1");
        await vera.AddToCellAsync("south-1", ["Lyova"]);
        Assert.Equal(["north-1", "south-1"], [.. (await liaison.SyncAsync()).Contacts.JoinedCells.Order()]);
        await xenia.SyncAsync();

        // Starik introduces the liaison to Yuri.
        await starik.IntroduceAsync("Lev", "Yuri");
        await liaison.ReceiveAsync();
        await yuri.ReceiveAsync();
        await liaison.ReceiveAsync();
        await starik.SyncAsync();
        await vera.SyncAsync();

        // Messages: two in north-1, one in south-1, and the liaison forwards one from north to south.
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        await starik.SendAsync("north-1", "first");
        await starik.SendAsync("north-1", "second");
        await vera.SendAsync("south-1", "third");
        await starik.SendAsync("north-2", "not for the liaison");
        Assert.Equal(3, (await liaison.SyncAsync()).Received.Count);
        await liaison.ForwardAsync(liaison.Inbox().First(m => m.Text == "first").Id, "south-1");
        var after = DateTimeOffset.UtcNow.AddSeconds(1);

        // A bulletin authority followed, one of its bulletins held.
        using var signer = NSec.Cryptography.Key.Create(NSec.Cryptography.SignatureAlgorithm.Ed25519);
        var authority = signer.PublicKey.Export(NSec.Cryptography.KeyBlobFormat.RawPublicKey);
        liaison.FollowAuthority("Centre", authority);
        var header = Bulletin.Describe(authority, 2, before, after.AddDays(1), BulletinKind.Document, [new byte[16]], "orders", "text"u8);
        var bulletin = await Bulletin.CreateAsync(header, "text"u8.ToArray(), (m, _) => Task.FromResult(NSec.Cryptography.SignatureAlgorithm.Ed25519.Sign(signer, m)));
        liaison.AcceptBulletin(bulletin.ToFile());

        var report = await liaison.ReportExposureAsync();

        // Cells and layers, as the founders describe them.
        var north1 = starik.Describe("north-1");
        var south1 = vera.Describe("south-1");
        var liaisonNorth = north1.Members.Single(m => m != "Starik-n1");
        var liaisonSouth = south1.Members.Single(m => m != "Vera-s1");
        Assert.Equal([("north-1", north1.Relay, liaisonNorth), ("south-1", south1.Relay, liaisonSouth)], report.Cells.Select(c => (c.Name, c.Relay, c.CodeName)));
        Assert.Equal([north1.Members.Order(), south1.Members.Order()], report.Cells.Select(c => c.Members.Order()));
        Assert.Equal(2, report.Layers.Count);
        Assert.Equal(new[] { north.Address, south.Address }.Order(), report.Layers.SelectMany(l => l.Relays).Order());
        Assert.Empty(report.PendingCells);
        Assert.Empty(report.PendingIntroductions);

        // Contacts and who introduced whom, as the other sides know them.
        using var levAtStarik = starik.FindRecord("Lev");
        using var lyovaAtVera = vera.FindRecord("Lyova");
        var liaisonAtYuri = yuri.Contacts.Single(c => c.IntroducedByName == "Uncle");
        Assert.Equal(
            new[] { ("Starik", "Lev", (string?)null, (string?)null), ("Vera", "Lyova", null, null), (liaisonAtYuri.OurCodeName, liaisonAtYuri.Name, "Starik", "Yuri") }.Order(),
            report.Contacts.Select(c => (c.Name, c.OurCodeName, c.IntroducedByName, c.IntroducedAs)).Order());

        // Liaison links: its own, both ways, under its two code names.
        Assert.Equal(
            new[] { (liaisonNorth, "north-1", liaisonSouth, "south-1"), (liaisonSouth, "south-1", liaisonNorth, "north-1") }.Order(),
            report.Liaisons.Select(l => (l.Member, l.Cell, l.OtherMember!, l.OtherCell!)).Order());
        Assert.All(report.Liaisons, l => Assert.True(l.Own));
        Assert.Equal([$"Centre (key {Convert.ToHexStringLower(authority)}): 1 bulletin(s) held, latest number 2"], report.Bulletins.Authorities);
        Assert.Empty(report.Bulletins.Shares);
        Assert.Empty(report.Reserves);

        // History: three messages received in two cells, inside the test's time window; the forward is sent, not received.
        Assert.Equal(3, report.History.Messages);
        Assert.Equal([("north-1", 2), ("south-1", 1)], report.History.Cells.Select(c => (c.Cell, c.Texts)));
        Assert.InRange(report.History.First!.Value, before, after);
        Assert.InRange(report.History.Last!.Value, report.History.First.Value, after);
        Assert.Equal(0, report.History.Waiting);

        // Every code name, exactly: own in cells, to contacts, in KeyPackages each contact holds from it;
        // others' in cells, contacts, KeyPackages it holds from them, and the introducer's name for Yuri.
        var yuriAtLiaison = report.Contacts.Single(c => c.IntroducedAs == "Yuri");
        using var liaisonAtYuriRecord = yuri.FindRecord(liaisonAtYuri.Id);
        var expectedOwn = new[] { liaisonNorth, liaisonSouth, "Lev", "Lyova", liaisonAtYuri.Name }
            .Concat(new[] { levAtStarik, lyovaAtVera, liaisonAtYuriRecord }.SelectMany(r => r.TheirKeyPackages.Select(LeafName)));
        var expectedOthers = new[] { "Starik-n1", "Vera-s1", "Starik", "Vera", yuriAtLiaison.Name, "Yuri" }
            .Concat(new[] { levAtStarik, lyovaAtVera, liaisonAtYuriRecord }.SelectMany(r => r.OurBundles.Select(BundleName)));
        Assert.Equal(expectedOwn.ToHashSet(), report.CodeNames.Where(n => n.Own).Select(n => n.Name).ToHashSet());
        Assert.Equal(expectedOthers.ToHashSet(), report.CodeNames.Where(n => !n.Own).Select(n => n.Name).ToHashSet());

        // Nothing of people it was never told about: Xenia's names, Starik's north-2 and his name for Xenia.
        using var xeniaAtStarik = starik.FindRecord("Xenia");
        var unknown = new[] { "Starik-n2", "Xenia", "Uncle", xeniaAtStarik.OurCodeName }.Concat(starik.Describe("north-2").Members).Concat(xeniaAtStarik.TheirKeyPackages.Select(LeafName));
        Assert.All(unknown, name => Assert.DoesNotContain(report.CodeNames, n => n.Name == name));
        Assert.DoesNotContain(report.Cells, c => c.Name == "north-2");
    }

    private static async Task ContactAsync(Uri relay, CourierNode inviter, CourierNode acceptor, string inviterName, string acceptorName)
    {
        using var invitation = await inviter.InviteAsync(relay, "the bath-house at dawn", inviterName);
        var accepted = acceptor.AcceptAsync(relay, invitation.Code, acceptorName);
        await invitation.CompleteAsync();
        await accepted;
    }

    private static string LeafName(byte[] keyPackage) => Encoding.UTF8.GetString(KeyPackages.LeafOf(keyPackage)!.Identity);

    private static string BundleName(byte[] serialized)
    {
        using var bundle = KeyPackageBundle.Deserialize(serialized);
        return LeafName(bundle.KeyPackageBytes);
    }
}
