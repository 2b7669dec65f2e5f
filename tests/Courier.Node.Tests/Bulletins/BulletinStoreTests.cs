using System.Security.Cryptography;
using Courier.Node.Bulletins;
using Courier.TestKit;
using NSec.Cryptography;

namespace Courier.Node.Tests.Bulletins;

/// <summary>
/// A node's bulletins (docs/bulletins.md, "A node's bulletins"): accepted from followed authorities
/// only, each once whatever path it came by, refused with the failed check named when replayed older,
/// altered or expired, nothing stored on a refusal, kept across a restart and sealed at rest.
/// </summary>
public sealed class BulletinStoreTests : IDisposable
{
    private static readonly byte[] Scope = new byte[16];

    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
    private readonly TestNodes _nodes = new();
    private readonly Key _authority = Key.Create(SignatureAlgorithm.Ed25519);

    public void Dispose()
    {
        _authority.Dispose();
        _nodes.Dispose();
    }

    [Fact]
    public async Task A_node_accepts_each_bulletin_once_in_order_and_refuses_the_rest_with_the_check_named()
    {
        var node = _nodes.Create(_nodes.Options(_clock));
        var first = await FileAsync(1, "the bath-house is watched");
        var bulletin = await FileAsync(3, "meet at the mill instead");
        var e = Assert.Throws<BulletinRejectedException>(() => node.AcceptBulletin(bulletin));
        Assert.Equal(BulletinCheck.Authority, e.Check);

        var authority = node.FollowAuthority("Centre", AuthorityKey);
        Assert.Equal(("Centre", Convert.ToHexStringLower(AuthorityKey), 0ul), (authority.Name, authority.Key, authority.Latest));
        Assert.Throws<NameTakenException>(() => node.FollowAuthority("Centre again", AuthorityKey));
        Assert.Throws<NameTakenException>(() => node.FollowAuthority("centre", new byte[32]));

        var (received, isNew) = node.AcceptBulletin(bulletin);
        Assert.True(isNew);
        Assert.Equal(("Centre", 3ul, "orders 3", BulletinKind.Document), (received.Authority, received.Sequence, received.Title, received.Kind));

        // The same bulletin again (another relay, a bundle, a file by hand): kept once.
        Assert.False(node.AcceptBulletin(bulletin).New);
        Assert.Single(node.Bulletins);

        // An older one not seen before is refused, as are an altered chunk and an expired one.
        AssertRefused(node, first, BulletinCheck.Sequence, "rolled back");
        var altered = await FileAsync(4, "the mill at noon");
        altered[^3] ^= 1;
        AssertRefused(node, altered, BulletinCheck.Content, "content was altered");
        var late = await FileAsync(5, "too late");
        _clock.Now += TimeSpan.FromDays(8);
        AssertRefused(node, late, BulletinCheck.Validity, "expired");
        Assert.Single(node.Bulletins);

        Assert.Equal(bulletin, node.BulletinFile(received.Id[..8]));
        Assert.Throws<UnknownBulletinException>(() => node.BulletinFile("00000000"));
        Assert.Equal(3ul, Assert.Single(node.Authorities).Latest);
    }

    [Fact]
    public async Task Bulletins_are_kept_across_a_restart_and_sealed_at_rest()
    {
        var node = _nodes.Create(_nodes.Options(_clock));
        node.FollowAuthority("Centre", AuthorityKey);
        var bulletin = await FileAsync(1, "the printing press moves on Thursday");
        var id = node.AcceptBulletin(bulletin).Bulletin.Id;
        var home = node.Home;
        _nodes.Close(node);

        var secrets = new SecretSet();
        secrets.AddText("the printing press moves on Thursday");
        secrets.AddText("orders 1");
        secrets.AddText("Centre");
        secrets.AddBytes(AuthorityKey, Convert.FromHexString(id));
        foreach (var file in Directory.EnumerateFiles(home, "*", SearchOption.AllDirectories))
        {
            Assert.Null(secrets.FindIn(await File.ReadAllBytesAsync(file)));
        }

        var reopened = _nodes.Reopen(home, _nodes.Options(_clock));
        Assert.Equal(id, Assert.Single(reopened.Bulletins).Id);
        Assert.False(reopened.AcceptBulletin(bulletin).New);
        Assert.Equal(bulletin, reopened.BulletinFile(id));
    }

    private byte[] AuthorityKey => _authority.PublicKey.Export(KeyBlobFormat.RawPublicKey);

    private static void AssertRefused(CourierNode node, byte[] file, string check, string words)
    {
        var e = Assert.Throws<BulletinRejectedException>(() => node.AcceptBulletin(file));
        Assert.Equal(("bulletin_rejected", check), (e.ErrorCode, e.Check));
        Assert.Contains(words, e.Message, StringComparison.Ordinal);
        Assert.EndsWith("nothing was stored.", e.Message, StringComparison.Ordinal);
    }

    private async Task<byte[]> FileAsync(ulong sequence, string text)
    {
        byte[] content = [.. System.Text.Encoding.UTF8.GetBytes(text), .. RandomNumberGenerator.GetBytes(10)];
        var header = Bulletin.Describe(AuthorityKey, sequence, _clock.Now.AddMinutes(-1), _clock.Now.AddDays(7), BulletinKind.Document, [Scope], "orders " + sequence, content);
        return (await Bulletin.CreateAsync(header, content, (signed, _) => Task.FromResult(SignatureAlgorithm.Ed25519.Sign(_authority, signed)))).ToFile();
    }
}
