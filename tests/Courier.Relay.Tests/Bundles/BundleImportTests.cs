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
    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

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
        var refused = await Assert.ThrowsAsync<RelayRequestException>(() => f.North.Client.ImportBundleAsync(BundleWriter.Write([new([relay], [genuine, forged])], Now)));
        Assert.Equal((403, "bundle_unauthorized"), (refused.Status, refused.Error));
        Assert.Equal(0, (await f.North.Client.FetchAsync(drop, readKey, 0)).Last);

        // Sealed to another relay (another organization's, or the other layer's): not for this one.
        var foreign = BundleWriter.Write([new([BundleRecipient.Relay(f.South.Host.MixIdentityKey!)], [genuine])], Now);
        Assert.Equal("bundle_not_for_this_relay", (await Assert.ThrowsAsync<RelayRequestException>(() => f.North.Client.ImportBundleAsync(foreign))).Error);

        // The same entry in a bundle made later (a new seal, the same envelope and id), and the bundle replayed: stored once.
        var bundle = BundleWriter.Write([new([relay], [genuine])], Now);
        Assert.Equal(new BundleImportResult(1, 0, 0, 0), await f.North.Client.ImportBundleAsync(bundle));
        Assert.Equal(new BundleImportResult(0, 1, 0, 0), await f.North.Client.ImportBundleAsync(BundleWriter.Write([new([relay], [genuine])], Now)));
        Assert.Equal(new BundleImportResult(0, 1, 0, 0), await f.North.Client.ImportBundleAsync(bundle));
        Assert.Equal(1, (await f.North.Client.FetchAsync(drop, readKey, 0)).Last);

        // A drop "exported by a relay" carries no append authorization: to a drop this relay has, it adds nothing, even with its keys.
        var keys = DropState.Encode(readKey.PublicKey, appendKey.PublicKey);
        var injected = new BundleSection([relay], [new BundleEntry(drop, MessageId.NewRandom(), RandomNumberGenerator.GetBytes(1024), []) { Seq = 2 }]) { DropKeys = keys };
        refused = await Assert.ThrowsAsync<RelayRequestException>(() => f.North.Client.ImportBundleAsync(BundleWriter.Write([injected], Now)));
        Assert.Equal((403, "bundle_unauthorized"), (refused.Status, refused.Error));
        Assert.Equal(1, (await f.North.Client.FetchAsync(drop, readKey, 0)).Last);

        // A drop the relay does not have is skipped and said.
        var elsewhere = BundleEntry.Authorize(appendKey, DropName.NewRandom(), MessageId.NewRandom(), RandomNumberGenerator.GetBytes(1024));
        Assert.Equal(new BundleImportResult(0, 0, 1, 0), await f.North.Client.ImportBundleAsync(BundleWriter.Write([new([relay], [elsewhere])], Now)));
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

    [Fact]
    public async Task A_bundle_older_than_the_relay_keeps_envelopes_or_from_the_future_is_refused_within_the_clock_skew()
    {
        using var dir = new TempDirectory();
        var maxAge = TimeSpan.FromDays(2);
        await using var relay = await TestRelay.StartAsync(configure: o => new RelayOptions
        {
            Listen = new IPEndPoint(IPAddress.Loopback, 0),
            Mix = new MixOptions { DataDirectory = dir.Path },
            BundleMaxAge = maxAge,
        });
        var recipient = BundleRecipient.Relay(relay.Host.MixIdentityKey!);
        using var appendKey = DropAppendKey.Create();
        var entry = BundleEntry.Authorize(appendKey, DropName.NewRandom(), MessageId.NewRandom(), RandomNumberGenerator.GetBytes(1024));
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var skew = (long)BundleFormat.MaxClockSkew.TotalSeconds;
        var oldest = now - (long)maxAge.TotalSeconds - skew;

        // A minute inside each edge is taken (its one entry is for a drop the relay does not have); a minute outside, refused.
        foreach (var createdAt in new[] { now + skew - 60, oldest + 60 })
        {
            Assert.Equal(new BundleImportResult(0, 0, 1, 0), await relay.Client.ImportBundleAsync(BundleWriter.Write([new([recipient], [entry])], createdAt)));
        }

        foreach (var (createdAt, error) in new[] { (now + skew + 60, "bundle_from_the_future"), (oldest - 60, "bundle_expired"), (long.MaxValue, "bundle_from_the_future"), (long.MinValue, "bundle_expired") })
        {
            var refused = await Assert.ThrowsAsync<RelayRequestException>(() => relay.Client.ImportBundleAsync(BundleWriter.Write([new([recipient], [entry])], createdAt)));
            Assert.Equal((422, error), (refused.Status, refused.Error));
        }
    }
}
