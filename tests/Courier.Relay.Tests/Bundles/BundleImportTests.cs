using System.Net;
using System.Security.Cryptography;
using Courier.Relay.Client;
using Courier.Relay.Client.Bundles;
using Courier.Relay.Mix;
using Courier.Relay.Storage;
using Courier.TestKit;

namespace Courier.Relay.Tests.Bundles;

/// <summary><c>POST /v1/bundles</c> against forged, foreign and replayed bundles.</summary>
public sealed class BundleImportTests
{
    [Fact]
    public async Task A_forged_entry_refuses_the_whole_bundle_and_a_replay_appends_nothing()
    {
        await using var f = await BundleRelayFixture.StartAsync();
        var relay = BundleRecipient.Relay(f.North.Host.MixIdentityKey!);
        using var readKey = DropReadKey.Create();
        using var appendKey = DropAppendKey.Create();
        using var stranger = DropAppendKey.Create();
        var drop = DropName.NewRandom();
        await f.North.Client.CreateDropAsync(drop, readKey, appendKey);
        var genuine = BundleEntry.Authorize(appendKey, drop, MessageId.NewRandom(), RandomNumberGenerator.GetBytes(1024));
        var forged = BundleEntry.Authorize(stranger, drop, MessageId.NewRandom(), RandomNumberGenerator.GetBytes(1024));

        // Anyone can seal a bundle to a relay's public key; only the drop's writers can authorize its entries.
        var refused = await Assert.ThrowsAsync<RelayRequestException>(() => f.North.Client.ImportBundleAsync(BundleWriter.Write([new([relay], [genuine, forged])], 0)));
        Assert.Equal((403, "bundle_unauthorized"), (refused.Status, refused.Error));
        Assert.Equal(0, (await f.North.Client.FetchAsync(drop, readKey, 0)).Last);

        // Sealed to another relay (another organization's, or the other layer's): not for this one.
        var foreign = BundleWriter.Write([new([BundleRecipient.Relay(f.South.Host.MixIdentityKey!)], [genuine])], 0);
        Assert.Equal("bundle_not_for_this_relay", (await Assert.ThrowsAsync<RelayRequestException>(() => f.North.Client.ImportBundleAsync(foreign))).Error);

        // The same entry in a bundle made later (a new seal, the same envelope and id), and the bundle replayed: stored once.
        var bundle = BundleWriter.Write([new([relay], [genuine])], 0);
        Assert.Equal(new BundleImportResult(1, 0, 0, 0), await f.North.Client.ImportBundleAsync(bundle));
        Assert.Equal(new BundleImportResult(0, 1, 0, 0), await f.North.Client.ImportBundleAsync(BundleWriter.Write([new([relay], [genuine])], 0)));
        Assert.Equal(new BundleImportResult(0, 1, 0, 0), await f.North.Client.ImportBundleAsync(bundle));
        Assert.Equal(1, (await f.North.Client.FetchAsync(drop, readKey, 0)).Last);

        // A drop "exported by a relay" carries no append authorization: to a drop this relay has, it adds nothing, even with its keys.
        var keys = DropState.Encode(readKey.PublicKey, appendKey.PublicKey);
        var injected = new BundleSection([relay], [new BundleEntry(drop, MessageId.NewRandom(), RandomNumberGenerator.GetBytes(1024), []) { Seq = 2 }]) { DropKeys = keys };
        refused = await Assert.ThrowsAsync<RelayRequestException>(() => f.North.Client.ImportBundleAsync(BundleWriter.Write([injected], 0)));
        Assert.Equal((403, "bundle_unauthorized"), (refused.Status, refused.Error));
        Assert.Equal(1, (await f.North.Client.FetchAsync(drop, readKey, 0)).Last);

        // A drop the relay does not have is skipped and said.
        var elsewhere = BundleEntry.Authorize(appendKey, DropName.NewRandom(), MessageId.NewRandom(), RandomNumberGenerator.GetBytes(1024));
        Assert.Equal(new BundleImportResult(0, 0, 1, 0), await f.North.Client.ImportBundleAsync(BundleWriter.Write([new([relay], [elsewhere])], 0)));
    }

    [Fact]
    public async Task The_endpoint_is_capped_checks_the_size_first_and_exists_only_on_a_relay_with_an_identity()
    {
        using var dir = new TempDirectory();
        await using var capped = await TestRelay.StartAsync(configure: o => new RelayOptions
        {
            Listen = new IPEndPoint(IPAddress.Loopback, 0),
            Mix = new MixOptions { DataDirectory = dir.Path },
            MaxBundleSize = 64 * 1024,
        });
        var over = await Assert.ThrowsAsync<RelayRequestException>(() => capped.Client.ImportBundleAsync(new byte[256 * 1024]));
        Assert.Equal((413, "too_large"), (over.Status, over.Error));
        var odd = await Assert.ThrowsAsync<RelayRequestException>(() => capped.Client.ImportBundleAsync(new byte[60_000]));
        Assert.Equal((422, "bad_bundle_size"), (odd.Status, odd.Error));
        var random = await Assert.ThrowsAsync<RelayRequestException>(() => capped.Client.ImportBundleAsync(RandomNumberGenerator.GetBytes(64 * 1024)));
        Assert.Equal((422, "bundle_not_for_this_relay"), (random.Status, random.Error));

        await using var plain = await TestRelay.StartAsync();
        Assert.Equal(404, (await Assert.ThrowsAsync<RelayRequestException>(() => plain.Client.ImportBundleAsync(new byte[64 * 1024]))).Status);
    }
}
