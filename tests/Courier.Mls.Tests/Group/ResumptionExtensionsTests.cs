using System.Text;
using Courier.Mls.Crypto;
using Courier.Mls.Group;
using Courier.Mls.Messages;
using Courier.Mls.TreeKem;

namespace Courier.Mls.Tests.Group;

/// <summary>
/// RFC 9420 §11.2: the group a reinit creates has the ReInit's extensions, and a joiner refuses one
/// that has not. Found by interop: a ts-mls member rejected Courier's reinit Welcome ("Extensions
/// mismatch") because ReInitialize created the new group without the ReInit's extensions.
/// </summary>
public class ResumptionExtensionsTests
{
    private const CipherSuiteId Suite1 = CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;
    private const CipherSuiteId Suite3 = CipherSuiteId.MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519;

    /// <summary>required_capabilities with nothing required, and an empty external_senders list.</summary>
    private static readonly (ushort Type, byte[] Data)[] ReInitExtensions =
        [(Extension.RequiredCapabilities, [0, 0, 0]), (Extension.ExternalSenders, [0])];

    [Fact]
    public void A_reinit_carries_its_extensions_into_the_new_group()
    {
        using var cell = ReInitCommitted(out var others);
        var reinit = cell[0].ReInitialize(NewBundle(cell.Members[0], Suite3), others.Select(o => o.Bundle.KeyPackageBytes));
        using var successor = reinit.Group;
        AssertExtensions(successor);
        foreach (var (member, bundle) in others)
        {
            using var joined = Groups.JoinFromWelcome(reinit.Welcome!, bundle, SystemRandom.Instance, resumedFrom: member.Group);
            Assert.Equal(successor.EpochAuthenticator(), joined.EpochAuthenticator());
            AssertExtensions(joined);
        }
    }

    [Fact]
    public void Rejects_ResumptionPskUsage_reinit_welcome_whose_group_lacks_the_reinit_extensions()
    {
        using var cell = ReInitCommitted(out var others);
        var old = cell[0];
        using var self = NewBundle(cell.Members[0], Suite3);

        // What a welcomer that ignores the ReInit's extensions sends: the rest is a correct reinit.
        using var epoch = GroupCreation.Create(old.PendingReInit!.Value.GroupId, self, null, SystemRandom.Instance);
        var nonce = new byte[CipherSuite.Suite1.HashSize];
        SystemRandom.Instance.Fill(nonce);
        var psk = new Proposal(new PreSharedKey(PreSharedKeyID.Resumption(ResumptionPSKUsage.Reinit, old.GroupId, old.Epoch, nonce)));
        var proposals = others.Select(o => new Proposal(new Add(o.Bundle.KeyPackage))).Append(psk).ToList();
        var resolver = new PskResolver(id => old.CurrentEpoch.ResumptionPsks.TryGetValue(id.PskEpoch!.Value, out var secret) ? secret : null);
        var created = CommitCreation.Create(
            epoch,
            self.SignatureKey,
            proposals,
            LeafNodeTemplate.From(epoch.Tree.GetLeaf(0)!),
            CommitSettings.Default with { ResumptionUsage = ResumptionPSKUsage.Reinit },
            resolver,
            SystemRandom.Instance,
            null);
        using var staged = created.Staged;

        var (member, bundle) = others[0];
        var rejected = Assert.Throws<MessageRejectedException>(
            () => Groups.JoinFromWelcome(created.Welcome!.ToBytes(), bundle, SystemRandom.Instance, resumedFrom: member.Group));
        Assert.Equal(MlsCheck.ResumptionPskUsage, rejected.Check);
    }

    [Fact]
    public void A_branch_has_the_extensions_it_is_given()
    {
        using var cell = new Cell(Suite1, 3);
        var joiners = cell.Members.Skip(1).Select(m => (Member: m, Bundle: m.NewKeyPackage())).ToList();
        var branch = cell[0].Branch("branch"u8.ToArray(), cell.Members[0].NewKeyPackage(), joiners.Select(j => j.Bundle.KeyPackageBytes), ReInitExtensions);
        using var subgroup = branch.Group;
        AssertExtensions(subgroup);
        foreach (var (member, bundle) in joiners)
        {
            using var joined = Groups.JoinFromWelcome(branch.Welcome!, bundle, SystemRandom.Instance, resumedFrom: member.Group);
            Assert.Equal(subgroup.EpochAuthenticator(), joined.EpochAuthenticator());
            AssertExtensions(joined);
        }
    }

    [Fact]
    public void Rejects_LeafCapabilities_a_new_group_with_an_extension_its_creator_does_not_support()
    {
        using var cell = new Cell(Suite1, 2);
        var rejected = Assert.Throws<MessageRejectedException>(
            () => cell[0].Branch("branch"u8.ToArray(), cell.Members[0].NewKeyPackage(), [cell.Members[1].NewKeyPackage().KeyPackageBytes], [(0x0F00, [])]));
        Assert.Equal(MlsCheck.LeafCapabilities, rejected.Check);
    }

    /// <summary>A cell of three in suite 1 that has committed member 1's ReInit (to suite 3, with extensions); the others' new KeyPackages.</summary>
    private static Cell ReInitCommitted(out List<(Member Member, KeyPackageBundle Bundle)> others)
    {
        var cell = new Cell(Suite1, 3);
        var proposal = cell[1].ProposeReInit("cell v2"u8.ToArray(), Suite3, ReInitExtensions);
        foreach (var member in cell.Members)
        {
            member.Group!.ProcessAndMerge(proposal);
        }

        cell.Deliver(cell[0].Commit().Commit, 0);
        others = cell.Members.Skip(1).Select(m => (m, NewBundle(m, Suite3))).ToList();
        return cell;
    }

    private static void AssertExtensions(MlsGroup group)
    {
        var extensions = group.ContextExtensions;
        Assert.Equal(ReInitExtensions.Length, extensions.Count);
        for (var i = 0; i < extensions.Count; i++)
        {
            Assert.Equal(ReInitExtensions[i].Type, extensions[i].Type);
            Assert.Equal(ReInitExtensions[i].Data, extensions[i].Data);
        }
    }

    private static KeyPackageBundle NewBundle(Member member, CipherSuiteId suite)
        => KeyPackageBundle.Generate(suite, Encoding.UTF8.GetBytes(member.CodeName), member.Signer, 1_577_836_800, 4_102_444_800, SystemRandom.Instance);
}
