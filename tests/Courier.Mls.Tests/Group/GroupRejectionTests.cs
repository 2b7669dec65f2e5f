using Courier.Mls.Crypto;
using Courier.Mls.Group;
using Courier.Mls.Messages;
using Courier.Mls.TreeKem;

namespace Courier.Mls.Tests.Group;

/// <summary>
/// RFC 9420's receiver checks at the level of a running group. Member 1 of a four-member cell turns
/// malicious and forges with the keys it legitimately holds; member 2 must reject each forgery
/// with the named <see cref="MlsCheck"/> and keep its state byte-for-byte as it was.
/// </summary>
public class GroupRejectionTests
{
    private const CipherSuiteId Suite = CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;

    [Fact]
    public void Rejects_Signature_of_a_message_claiming_another_sender()
    {
        using var cell = new Cell(Suite, 4);
        var forged = Forgery.PrivateMessage(cell[1], Forgery.Application(cell[1], claimedSender: cell[0].OwnLeafIndex, "orders"u8.ToArray()));
        AssertRejectedUnchanged(cell[2], forged, MlsCheck.Signature);
    }

    [Fact]
    public void Rejects_MembershipTag_from_outside_the_epoch()
    {
        using var cell = new Cell(Suite, 4);
        var stale = Forgery.PublicMessage(cell[1], Forgery.Proposal(cell[1], new Remove(cell[3].OwnLeafIndex)));
        var message = MLSMessage.FromBytes(stale).PublicMessage!;
        var tampered = new MLSMessage(new PublicMessage(message.Content, message.Auth, Flip(message.MembershipTag!))).ToBytes();
        AssertRejectedUnchanged(cell[2], tampered, MlsCheck.MembershipTag);
    }

    [Fact]
    public void Rejects_ConfirmationTag_of_a_commit()
    {
        using var cell = new Cell(Suite, 4);
        var commit = Forgery.PublicMessage(cell[1], Forgery.Commit(cell[1], new Commit([new ProposalOrRef(new Proposal(new Remove(cell[3].OwnLeafIndex)))], null)), confirmationTag: new byte[32]);

        // A Remove requires a path; a commit with a path and a wrong tag comes from the real creator below.
        AssertRejectedUnchanged(cell[2], commit, MlsCheck.PathRequired);

        var real = CommitCreation.Create(cell[1].CurrentEpoch, cell[1].Signer, [], LeafNodeTemplate.From(cell[1].CurrentEpoch.Tree.GetLeaf(cell[1].OwnLeafIndex)!), CommitSettings.Default with { WireFormat = WireFormat.MlsPublicMessage }, PskResolver.None, SystemRandom.Instance, null);
        real.Staged.Dispose();
        var framed = real.Commit.PublicMessage!;
        var wrongTag = Forgery.Reframe(cell[1], framed, framed.Content, Flip(framed.Auth.ConfirmationTag!));
        AssertRejectedUnchanged(cell[2], wrongTag, MlsCheck.ConfirmationTag);
        Assert.Equal(ProcessedKind.Commit, cell[2].ProcessAndMerge(real.Commit.ToBytes()).Kind);
    }

    [Fact]
    public void Rejects_ParentHash_of_a_path_with_a_swapped_node_key()
    {
        using var cell = new Cell(Suite, 4);
        var real = CommitCreation.Create(cell[1].CurrentEpoch, cell[1].Signer, [], LeafNodeTemplate.From(cell[1].CurrentEpoch.Tree.GetLeaf(cell[1].OwnLeafIndex)!), CommitSettings.Default with { WireFormat = WireFormat.MlsPublicMessage }, PskResolver.None, SystemRandom.Instance, null);
        real.Staged.Dispose();
        var framed = real.Commit.PublicMessage!;
        var path = framed.Content.Commit!.Path!;
        using var other = Courier.Mls.Hpke.DhKem.X25519Sha256.GenerateKeyPair(SystemRandom.Instance);
        var nodes = path.Nodes.ToList();
        nodes[^1] = nodes[^1] with { EncryptionKey = other.PublicKey };
        var content = FramedContent.ForCommit(framed.Content.GroupId, framed.Content.Epoch, framed.Content.Sender, [], new Commit(framed.Content.Commit.Proposals, path with { Nodes = nodes }));
        AssertRejectedUnchanged(cell[2], Forgery.Reframe(cell[1], framed, content, null), MlsCheck.ParentHash);
    }

    [Fact]
    public void Rejects_LeafSignature_of_an_altered_Update()
    {
        using var cell = new Cell(Suite, 4);
        var leaf = cell[1].CurrentEpoch.Tree.GetLeaf(cell[1].OwnLeafIndex)!;
        var altered = new LeafNode(leaf.EncryptionKey, leaf.SignatureKey, Credential.Basic("someone else"u8.ToArray()), leaf.Capabilities, LeafNodeSource.Update, null, null, leaf.Extensions, leaf.Signature);
        var forged = Forgery.PublicMessage(cell[1], Forgery.Proposal(cell[1], new Update(altered)));
        AssertRejectedUnchanged(cell[2], forged, MlsCheck.LeafSignature);
    }

    [Fact]
    public void Rejects_Epoch_of_a_stale_message_and_a_stale_proposal()
    {
        using var cell = new Cell(Suite, 4);
        var stale = cell[1].Protect("yesterday"u8);
        var staleProposal = Forgery.PublicMessage(cell[1], Forgery.Proposal(cell[1], new Remove(cell[3].OwnLeafIndex)));
        cell.Deliver(cell[0].Commit().Commit, 0);
        AssertRejectedUnchanged(cell[2], stale, MlsCheck.Epoch);
        AssertRejectedUnchanged(cell[2], staleProposal, MlsCheck.Epoch);
    }

    [Fact]
    public void Rejects_Generation_of_a_replayed_message()
    {
        using var cell = new Cell(Suite, 4);
        var message = cell[1].Protect("once"u8);
        cell[2].ProcessAndMerge(message);
        AssertRejectedUnchanged(cell[2], message, MlsCheck.Generation);
    }

    [Fact]
    public void Rejects_Generation_too_far_ahead()
    {
        using var cell = new Cell(Suite, 4);
        for (var i = 0; i < 1100; i++)
        {
            cell[1].Protect("skipped"u8);
        }

        AssertRejectedUnchanged(cell[2], cell[1].Protect("too far"u8), MlsCheck.Generation);
    }

    [Fact]
    public void Rejects_Decryption_when_the_reuse_guard_is_not_the_one_used()
    {
        using var cell = new Cell(Suite, 4);
        var content = Forgery.Application(cell[1], cell[1].OwnLeafIndex, "guarded"u8.ToArray());
        AssertRejectedUnchanged(cell[2], Forgery.PrivateMessageByHand(cell[1], content, contentGuard: 7, senderDataGuard: 8, padding: []), MlsCheck.Decryption);
        Assert.Equal("guarded"u8.ToArray(), cell[2].ProcessAndMerge(Forgery.PrivateMessageByHand(cell[1], content, 9, 9, [])).ApplicationData);
    }

    [Fact]
    public void Rejects_Padding_with_a_non_zero_byte()
    {
        using var cell = new Cell(Suite, 4);
        var content = Forgery.Application(cell[1], cell[1].OwnLeafIndex, "padded"u8.ToArray());
        AssertRejectedUnchanged(cell[2], Forgery.PrivateMessageByHand(cell[1], content, 0, 0, [0, 0, 0, 1]), MlsCheck.Padding);
    }

    [Fact]
    public void Rejects_DuplicateLeafChange_two_removes_of_one_member()
    {
        using var cell = new Cell(Suite, 4);
        var remove = new ProposalOrRef(new Proposal(new Remove(cell[3].OwnLeafIndex)));
        var forged = Forgery.PublicMessage(cell[1], Forgery.Commit(cell[1], new Commit([remove, remove], null)), new byte[32]);
        AssertRejectedUnchanged(cell[2], forged, MlsCheck.DuplicateLeafChange);
    }

    [Fact]
    public void Rejects_DuplicateAdd_and_AddOfExistingMember()
    {
        using var cell = new Cell(Suite, 4);
        using var joiner = new Member("joiner", Suite);
        var add = new ProposalOrRef(new Proposal(new Add(joiner.NewKeyPackage().KeyPackage)));
        AssertRejectedUnchanged(cell[2], Forgery.PublicMessage(cell[1], Forgery.Commit(cell[1], new Commit([add, add], null)), new byte[32]), MlsCheck.DuplicateAdd);

        var again = new ProposalOrRef(new Proposal(new Add(cell.Members[3].NewKeyPackage().KeyPackage)));
        AssertRejectedUnchanged(cell[2], Forgery.PublicMessage(cell[1], Forgery.Commit(cell[1], new Commit([again], null)), new byte[32]), MlsCheck.AddOfExistingMember);
    }

    [Fact]
    public void Rejects_CommitterRemoved_and_ExternalInitInRegularCommit()
    {
        using var cell = new Cell(Suite, 4);
        var self = new ProposalOrRef(new Proposal(new Remove(cell[1].OwnLeafIndex)));
        AssertRejectedUnchanged(cell[2], Forgery.PublicMessage(cell[1], Forgery.Commit(cell[1], new Commit([self], null)), new byte[32]), MlsCheck.CommitterRemoved);

        var externalInit = new ProposalOrRef(new Proposal(new ExternalInit(new byte[32])));
        AssertRejectedUnchanged(cell[2], Forgery.PublicMessage(cell[1], Forgery.Commit(cell[1], new Commit([externalInit], null)), new byte[32]), MlsCheck.ExternalInitInRegularCommit);
    }

    [Fact]
    public void Rejects_UnknownProposalReference()
    {
        using var cell = new Cell(Suite, 4);
        var reference = new ProposalOrRef(new byte[32]);
        AssertRejectedUnchanged(cell[2], Forgery.PublicMessage(cell[1], Forgery.Commit(cell[1], new Commit([reference], null)), new byte[32]), MlsCheck.UnknownProposalReference);
    }

    [Fact]
    public void Rejects_RemoveBlankLeaf_in_a_proposal()
    {
        using var cell = new Cell(Suite, 4);
        AssertRejectedUnchanged(cell[2], Forgery.PublicMessage(cell[1], Forgery.Proposal(cell[1], new Remove(99))), MlsCheck.RemoveBlankLeaf);
    }

    internal static void AssertRejectedUnchanged(MlsGroup receiver, byte[] message, MlsCheck check)
    {
        receiver.TakeChanges().Dispose();
        using var before = receiver.Save();
        var e = Assert.Throws<MessageRejectedException>(() => receiver.ProcessAndMerge(message));
        Assert.Equal(check, e.Check);
        using var after = receiver.Save();
        Assert.True(before.ContentEquals(after), $"the state changed after a message rejected for {check}");
        using var changes = receiver.TakeChanges();
        Assert.True(changes.IsEmpty, $"a message rejected for {check} left changes to store");
    }

    private static byte[] Flip(byte[] bytes)
    {
        var copy = (byte[])bytes.Clone();
        copy[0] ^= 1;
        return copy;
    }
}
