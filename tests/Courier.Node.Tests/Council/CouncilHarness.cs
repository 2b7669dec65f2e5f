using System.Text;
using Courier.Node.Bulletins;
using Courier.Node.Council;
using NSec.Cryptography;

namespace Courier.Node.Tests.Council;

/// <summary>A council of five (Starik, who deals, and contacts R1–R4) sharing the cell "council", and the steps of a signing as members take them.</summary>
internal static class CouncilHarness
{
    public static readonly DateTimeOffset Expiry = DateTimeOffset.UtcNow.AddDays(7);

    /// <summary>
    /// Starik deals "Centre", 3 of 5; every member syncs and holds its share. Index 0 is Starik. With
    /// <paramref name="relay"/> (a real relay process), the nodes use it over HTTP instead of the test's in-memory relay.
    /// </summary>
    public static async Task<List<CourierNode>> CouncilAsync(TestNodes nodes, Uri? relay = null)
    {
        var real = relay is not null;
        NodeOptions? Options() => real ? new NodeOptions { Kdf = TempHome.FastKdf } : null;
        relay ??= nodes.RelayUri;
        var founder = nodes.Create(Options());
        var members = Enumerable.Range(0, 4).Select(_ => nodes.Create(Options())).ToList();
        for (var i = 0; i < members.Count; i++)
        {
            await TestNodes.ContactAsync(relay, founder, members[i], $"R{i + 1}");
        }

        founder.CreateLayer("north", [relay]);
        await founder.CreateCellAsync("council");
        await founder.AddToCellAsync("council", ["R1", "R2", "R3", "R4"]);
        foreach (var member in members)
        {
            Assert.Equal(["council"], (await member.SyncAsync()).Contacts.JoinedCells);
        }

        var (authority, notices) = await founder.CreateAuthorityAsync("Centre", "council", 3, ["R1", "R2", "R3", "R4"]);
        Assert.Empty(notices);
        Assert.Equal((3, 5, 1), (authority.Threshold, authority.Count, authority.Number));
        foreach (var member in members)
        {
            Assert.Empty((await member.SyncAsync()).Contacts.Rejected);
        }

        return [founder, .. members];
    }

    /// <summary>
    /// <paramref name="coordinator"/> asks to sign a bulletin; <paramref name="signers"/> approve it and
    /// every sync needed follows (coordinator, then each signer in turn). Returns the request as the coordinator sees it then.
    /// </summary>
    public static async Task<SigningRequestInfo> SignAsync(CourierNode coordinator, IReadOnlyList<CourierNode> signers, string title)
    {
        var request = await coordinator.PublishBulletinAsync("Centre", Encoding.UTF8.GetBytes($"the text of {title}"), title, Expiry);
        foreach (var signer in signers)
        {
            await signer.SyncAsync();
            await signer.ApproveSigningAsync(request.Id);
        }

        await coordinator.SyncAsync();
        foreach (var signer in signers)
        {
            await signer.SyncAsync();
        }

        await coordinator.SyncAsync();
        return coordinator.SigningRequests.Single(r => r.Id == request.Id);
    }

    /// <summary>The completed request's bulletin, verified as a reader with only the key would: every check passes, and NSec's plain Ed25519 verifies it.</summary>
    public static Bulletin Verified(CourierNode coordinator, SigningRequestInfo request)
    {
        Assert.Equal(SigningStatus.Completed, request.Status);
        var file = coordinator.SignedBulletin(request.Id);
        Assert.Equal(file, coordinator.BulletinFile(request.BulletinId));
        var bulletin = Bulletin.Read(file);
        var key = Convert.FromHexString(coordinator.CouncilAuthorities.Single().Key);
        var verification = bulletin.Verify(key, DateTimeOffset.UtcNow, new BulletinHistory());
        Assert.True(verification.Passed, string.Join("; ", verification.Checks.Where(c => !c.Passed).Select(c => c.Detail)));
        var header = file.AsSpan(20, (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(16)));
        var signature = file.AsSpan(20 + header.Length, 64);
        Assert.True(SignatureAlgorithm.Ed25519.Verify(PublicKey.Import(SignatureAlgorithm.Ed25519, key, KeyBlobFormat.RawPublicKey), [.. Bulletin.Magic, .. header], signature));
        return bulletin;
    }
}
