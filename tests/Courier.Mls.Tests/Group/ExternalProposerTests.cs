using Courier.Mls.Codec;
using Courier.Mls.Crypto;
using Courier.Mls.Group;
using Courier.Mls.Messages;

namespace Courier.Mls.Tests.Group;

/// <summary>
/// RFC 9420 §12.1.8: proposals of an external sender made with <see cref="ExternalProposer"/> from
/// a member's GroupInfo are processed and committed by the members of a cell.
/// </summary>
public class ExternalProposerTests
{
    public static TheoryData<CipherSuiteId> Suites() => TestSuites.All();

    [Theory]
    [MemberData(nameof(Suites))]
    public void An_external_Remove_removes_the_member(CipherSuiteId suite)
    {
        using var cell = new Cell(suite, 3);
        using var ds = SignaturePrivateKey.Generate(SystemRandom.Instance, suite);
        AddExternalSenders(cell, ds.PublicKey);
        using var proposer = ExternalProposer.Create(cell[0].GroupInfo(), ds, SystemRandom.Instance, TimeProvider.System);
        var removed = proposer.Members.Single(m => m.Identity.AsSpan().SequenceEqual("member-2"u8)).LeafIndex;

        CommitExternalProposal(cell, proposer.ProposeRemove(removed), committer: 1);

        Assert.False(cell[2].IsActive);
        Assert.Equal(2, cell[0].Members.Count);
        Assert.DoesNotContain(cell[1].Members, m => m.LeafIndex == removed);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void An_external_Add_adds_the_member(CipherSuiteId suite)
    {
        using var cell = new Cell(suite, 2);
        using var ds = SignaturePrivateKey.Generate(SystemRandom.Instance, suite);
        AddExternalSenders(cell, ds.PublicKey);
        using var proposer = ExternalProposer.Create(cell[1].GroupInfo(), ds, SystemRandom.Instance, TimeProvider.System);
        var joiner = new Member("member-2", suite);
        cell.Members.Add(joiner);
        var bundle = joiner.NewKeyPackage();

        var welcome = CommitExternalProposal(cell, proposer.ProposeAdd(bundle.KeyPackageBytes), committer: 0).Welcome!;
        joiner.Group = Groups.JoinFromWelcome(welcome, bundle, SystemRandom.Instance);

        cell.AssertAgreement();
        Assert.Equal(3, joiner.Group.Members.Count);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void External_PreSharedKey_proposals_are_committed(CipherSuiteId suite)
    {
        using var cell = new Cell(suite, 3);
        using var ds = SignaturePrivateKey.Generate(SystemRandom.Instance, suite);
        AddExternalSenders(cell, ds.PublicKey);
        var pskId = "vault-psk"u8.ToArray();
        for (var i = 0; i < 3; i++)
        {
            cell[i].StoreExternalPsk(pskId, "the vault's secret"u8);
        }

        var before = cell[0].Epoch;
        using (var proposer = ExternalProposer.Create(cell[0].GroupInfo(), ds, SystemRandom.Instance, TimeProvider.System))
        {
            CommitExternalProposal(cell, proposer.ProposeExternalPsk(pskId), committer: 2);
        }

        using (var proposer = ExternalProposer.Create(cell[0].GroupInfo(), ds, SystemRandom.Instance, TimeProvider.System))
        {
            CommitExternalProposal(cell, proposer.ProposeResumptionPsk(before), committer: 1);
        }

        Assert.Equal(before + 2, cell[0].Epoch);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void External_GroupContextExtensions_and_ReInit_are_committed(CipherSuiteId suite)
    {
        using var cell = new Cell(suite, 3);
        using var ds = SignaturePrivateKey.Generate(SystemRandom.Instance, suite);
        AddExternalSenders(cell, ds.PublicKey);
        (ushort Type, byte[] Data) required = (Extension.RequiredCapabilities, [0, 0, 0]);
        var extensions = cell[0].ContextExtensions.Append(required).ToList();
        using (var proposer = ExternalProposer.Create(cell[0].GroupInfo(), ds, SystemRandom.Instance, TimeProvider.System))
        {
            CommitExternalProposal(cell, proposer.ProposeGroupContextExtensions(extensions), committer: 0);
        }

        Assert.Equal(extensions.Select(e => (e.Type, Convert.ToHexString(e.Data))), cell[2].ContextExtensions.Select(e => (e.Type, Convert.ToHexString(e.Data))));

        var other = suite == CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519
            ? CipherSuiteId.MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519
            : CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;
        using (var proposer = ExternalProposer.Create(cell[1].GroupInfo(), ds, SystemRandom.Instance, TimeProvider.System))
        {
            CommitExternalProposal(cell, proposer.ProposeReInit("cell-2"u8.ToArray(), other, [required]), committer: 1);
        }

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("cell-2"u8.ToArray(), cell[i].PendingReInit!.Value.GroupId);
            Assert.Equal(other, cell[i].PendingReInit!.Value.CipherSuite);
        }
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void The_proposal_is_a_PublicMessage_from_the_signers_external_sender_index(CipherSuiteId suite)
    {
        using var cell = new Cell(suite, 2);
        using var first = SignaturePrivateKey.Generate(SystemRandom.Instance, suite);
        using var second = SignaturePrivateKey.Generate(SystemRandom.Instance, suite);
        AddExternalSenders(cell, first.PublicKey, second.PublicKey);

        // The tree out of band (RFC 9420 §12.4.3.3), as the interop runner gives it.
        using var proposer = ExternalProposer.Create(cell[0].GroupInfo(includeRatchetTree: false), second, SystemRandom.Instance, TimeProvider.System, cell[0].RatchetTree());
        Assert.Equal(1u, proposer.SenderIndex);
        Assert.Equal(cell[0].Epoch, proposer.Epoch);
        Assert.Equal(cell[0].GroupId, proposer.GroupId);
        Assert.Equal(suite, proposer.CipherSuite);

        var bytes = proposer.ProposeRemove(1);
        var message = MLSMessage.FromBytes(bytes).PublicMessage!;
        Assert.Equal(Sender.External(1), message.Content.Sender);
        Assert.Equal(cell[0].GroupId, message.Content.GroupId);
        Assert.Equal(cell[0].Epoch, message.Content.Epoch);
        Assert.Empty(message.Content.AuthenticatedData);
        Assert.Null(message.MembershipTag);

        var processed = cell[0].ProcessAndMerge(bytes);
        Assert.Equal(ProcessedKind.Proposal, processed.Kind);
        Assert.Null(processed.SenderLeaf);
    }

    [Fact]
    public void A_signer_not_in_external_senders_is_refused()
    {
        using var cell = new Cell(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, 2);
        using var listed = SignaturePrivateKey.Generate(SystemRandom.Instance);
        using var stranger = SignaturePrivateKey.Generate(SystemRandom.Instance);
        var withoutSenders = cell[0].GroupInfo();
        Assert.Throws<ArgumentException>(() => ExternalProposer.Create(withoutSenders, listed, SystemRandom.Instance, TimeProvider.System));

        AddExternalSenders(cell, listed.PublicKey);
        var e = Assert.Throws<ArgumentException>(() => ExternalProposer.Create(cell[0].GroupInfo(), stranger, SystemRandom.Instance, TimeProvider.System));
        Assert.Equal("signer", e.ParamName);

        // A member's own key is no external sender either.
        Assert.Throws<ArgumentException>(() => ExternalProposer.Create(cell[0].GroupInfo(), cell.Members[0].Signer, SystemRandom.Instance, TimeProvider.System));
    }

    [Fact]
    public void A_forged_GroupInfo_or_a_missing_tree_is_rejected()
    {
        using var cell = new Cell(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, 2);
        using var ds = SignaturePrivateKey.Generate(SystemRandom.Instance);
        AddExternalSenders(cell, ds.PublicKey);

        var info = cell[0].GroupInfo();
        info[^1] ^= 1;
        var forged = Assert.Throws<MessageRejectedException>(() => ExternalProposer.Create(info, ds, SystemRandom.Instance, TimeProvider.System));
        Assert.Equal(MlsCheck.GroupInfoSignature, forged.Check);

        var missing = Assert.Throws<MessageRejectedException>(() => ExternalProposer.Create(cell[0].GroupInfo(includeRatchetTree: false), ds, SystemRandom.Instance, TimeProvider.System));
        Assert.Equal(MlsCheck.MissingRatchetTree, missing.Check);

        var wrongTree = Assert.Throws<MessageRejectedException>(() => ExternalProposer.Create(cell[0].GroupInfo(includeRatchetTree: false), ds, SystemRandom.Instance, TimeProvider.System, RemoveLastMember(cell)));
        Assert.Equal(MlsCheck.TreeHash, wrongTree.Check);
    }

    [Fact]
    public void Proposals_the_group_would_reject_are_refused()
    {
        using var cell = new Cell(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, 3);
        using var ds = SignaturePrivateKey.Generate(SystemRandom.Instance);
        AddExternalSenders(cell, ds.PublicKey);
        using var proposer = ExternalProposer.Create(cell[0].GroupInfo(), ds, SystemRandom.Instance, TimeProvider.System);

        Assert.Throws<ArgumentException>(() => proposer.ProposeRemove(7));

        // A member's own KeyPackage again: its keys are already in the tree (§7.3).
        var again = cell.Members[1].NewKeyPackage();
        var duplicate = Assert.Throws<MessageRejectedException>(() => proposer.ProposeAdd(again.KeyPackageBytes));
        Assert.Equal(MlsCheck.DuplicateSignatureKey, duplicate.Check);

        proposer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => proposer.ProposeRemove(1));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void A_flipped_bit_anywhere_in_the_proposal_is_rejected(CipherSuiteId suite)
    {
        using var cell = new Cell(suite, 3);
        using var ds = SignaturePrivateKey.Generate(SystemRandom.Instance, suite);
        AddExternalSenders(cell, ds.PublicKey);
        using var proposer = ExternalProposer.Create(cell[0].GroupInfo(), ds, SystemRandom.Instance, TimeProvider.System);
        var proposal = proposer.ProposeRemove(2);

        for (var position = 0; position < proposal.Length; position++)
        {
            var tampered = (byte[])proposal.Clone();
            tampered[position] ^= (byte)(1 << (position % 8));
            var e = Record.Exception(() => cell[1].ProcessAndMerge(tampered));
            Assert.True(e is MessageRejectedException or DecodeException, $"byte {position}: {e?.GetType().Name ?? "accepted"}");
        }

        Assert.Equal(ProcessedKind.Proposal, cell[1].ProcessAndMerge(proposal).Kind);
    }

    /// <summary>Member 0 commits a GroupContextExtensions proposal listing <paramref name="keys"/> as external_senders (§12.1.8.1).</summary>
    private static void AddExternalSenders(Cell cell, params byte[][] keys)
    {
        var writer = new TlsWriter();
        ExternalSender.EncodeList(writer, keys.Select((k, i) => new ExternalSender(k, Credential.Basic([(byte)('a' + i)]))).ToList());
        var commit = cell[0].Commit(groupContextExtensions: [(Extension.ExternalSenders, writer.ToArray())]);
        cell.Deliver(commit.Commit, 0);
        cell.AssertAgreement();
    }

    /// <summary>Every active member processes the external proposal; <paramref name="committer"/> commits it.</summary>
    private static CommitResult CommitExternalProposal(Cell cell, byte[] proposal, int committer)
    {
        foreach (var member in cell.Members.Where(m => m.Group is { IsActive: true }))
        {
            var processed = member.Group!.ProcessAndMerge(proposal);
            Assert.Equal(ProcessedKind.Proposal, processed.Kind);
            Assert.Null(processed.SenderLeaf);
        }

        var result = cell[committer].Commit();
        cell.Deliver(result.Commit, committer);
        cell.AssertAgreement();
        return result;
    }

    /// <summary>A ratchet tree of another epoch: the current one without its last member.</summary>
    private static byte[] RemoveLastMember(Cell cell)
    {
        var tree = cell[0].CurrentEpoch.Tree.Clone();
        tree.RemoveLeaf(tree.LeafCount - 1);
        return tree.ToBytes();
    }
}
