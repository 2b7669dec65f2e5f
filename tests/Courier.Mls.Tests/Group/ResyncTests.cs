using Courier.Mls.Codec;
using Courier.Mls.Crypto;
using Courier.Mls.Group;

namespace Courier.Mls.Tests.Group;

/// <summary>RFC 9420 §12.4.3.2 resync: a member that missed commits rejoins by external commit as itself.</summary>
public class ResyncTests
{
    private const CipherSuiteId Suite = CipherSuiteId.MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519;

    [Fact]
    public void A_member_that_missed_two_commits_rejoins_as_itself_and_everyone_agrees()
    {
        using var cell = new Cell(Suite, 3);
        var behind = cell.Members[2].Group!;
        cell.Members[2].Group = null;
        cell.Deliver(cell[0].Commit().Commit, 0);
        cell.Deliver(cell[1].Commit().Commit, 1);
        var membersBefore = cell[0].Members;

        var result = behind.Resync(cell[1].GroupInfo(), TimeSpan.FromDays(30));
        cell.Members[2].Group = result.Group;
        cell[0].ProcessAndMerge(result.Commit);
        cell[1].ProcessAndMerge(result.Commit);

        cell.AssertAgreement();
        static string[] Keys(IEnumerable<GroupMember> members) => members.Select(m => Convert.ToHexString(m.Identity) + ":" + Convert.ToHexString(m.SignatureKey)).Order().ToArray();
        Assert.Equal(Keys(membersBefore), Keys(cell[0].Members));
        Assert.Equal(3, cell[2].Members.Count);

        // The old group is untouched: it still holds the epoch it had.
        Assert.Equal(cell[0].Epoch - 3, behind.Epoch);
        behind.Dispose();

        // Messages flow both ways in the new epoch.
        Assert.Equal("back"u8.ToArray(), cell[0].Process(cell[2].Protect("back"u8.ToArray())).ApplicationData);
        Assert.Equal("hello"u8.ToArray(), cell[2].Process(cell[1].Protect("hello"u8.ToArray())).ApplicationData);
    }

    [Fact]
    public void A_groupinfo_of_another_group_is_refused()
    {
        using var cell = new Cell(Suite, 2);
        using var stranger = new Member("stranger", Suite);
        using var other = Groups.Create("another cell"u8.ToArray(), stranger.NewKeyPackage(), SystemRandom.Instance);
        Assert.Throws<MessageRejectedException>(() => cell[1].Resync(other.GroupInfo(), TimeSpan.FromDays(1)));
    }

    [Fact]
    public void A_commit_is_told_from_other_messages_by_its_header()
    {
        using var cell = new Cell(Suite, 2);
        Assert.False(MlsGroup.IsCommit(cell[0].Protect("text"u8.ToArray())));
        Assert.True(MlsGroup.IsCommit(cell[0].Commit().Commit));
        cell[0].DiscardPendingCommit();
        Assert.False(MlsGroup.IsCommit(cell[0].GroupInfo()));
        Assert.Throws<DecodeException>(() => MlsGroup.IsCommit([1, 2, 3]));
    }
}
