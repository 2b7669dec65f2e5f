using Courier.Node.Introductions;
using Courier.Relay.Client;

namespace Courier.Node.Tests.Cells;

/// <summary>A KeyPackage a contact sends is validated when it arrives, so that none can fail a later commit.</summary>
public class KeyPackageFromContactTests
{
    [Theory]
    [InlineData("garbage")]
    [InlineData("altered")]
    public async Task An_invalid_KeyPackage_is_refused_when_it_arrives_and_the_stored_ones_stay(string kind)
    {
        using var nodes = new TestNodes();
        var (a, b) = (nodes.Create(), nodes.Create());
        var (bAtA, aAtB) = await nodes.ConnectAsync(a, b, acceptorName: "Galya", inviterName: "Starik");
        int before;
        using (var atB = b.FindRecord(aAtB.Id))
        {
            before = atB.TheirKeyPackages.Count;
        }

        using (var toB = a.FindRecord(bAtA.Id))
        {
            byte[] keyPackage = kind == "garbage" ? [0, 1, 0, 5, 1, 2, 3] : Altered(toB.OurBundles[0]);
            await PairwiseChannel.AppendAsync(nodes.Relay, toB, PairwiseChannel.Seal(toB, ++toB.LastSent, PairwiseMessageType.KeyPackage, keyPackage), MessageId.NewRandom(), default);
        }

        var result = await b.SyncAsync();
        Assert.Contains(result.Contacts.Rejected, r => r.Contains("KeyPackage", StringComparison.Ordinal) && r.Contains("invalid", StringComparison.Ordinal));
        using var after = b.FindRecord(aAtB.Id);
        Assert.Equal(before, after.TheirKeyPackages.Count);
    }

    /// <summary>One of a's own KeyPackages with a byte of its signature flipped.</summary>
    private static byte[] Altered(byte[] serializedBundle)
    {
        using var bundle = Courier.Mls.Group.KeyPackageBundle.Deserialize(serializedBundle);
        var bytes = bundle.KeyPackageBytes.ToArray();
        bytes[^1] ^= 0x40;
        return bytes;
    }
}
