using System.Text.Json;
using Courier.Mls.Codec;
using Courier.Mls.Crypto;
using Courier.Mls.Messages;
using Courier.Mls.TreeSync;

namespace Courier.Vectors;

/// <summary>
/// tree-operations.json: an Add, Update or Remove proposal (RFC 9420 §12.1.1-§12.1.3) applied to a
/// tree; the serialized tree (§12.4.3.3) and tree hashes (§7.8) before and after.
/// </summary>
public sealed class TreeOperationsVectors : VectorFile
{
    /// <inheritdoc/>
    public override string FileName => "tree-operations.json";

    internal override void Check(JsonElement testCase, CipherSuite? suite)
    {
        var tree = RatchetTree.Decode(suite!, Expect.Hex(testCase, "tree_before"));
        Expect.Equal(Expect.Hex(testCase, "tree_hash_before"), tree.TreeHash(), "tree_hash_before");

        var proposal = TlsReader.Decode(Expect.Hex(testCase, "proposal"), nameof(Proposal), Proposal.Decode);
        var sender = Expect.UInt32(testCase, "proposal_sender");
        switch (proposal.Body)
        {
            case Add add:
                tree.AddLeaf(add.KeyPackage.LeafNode);
                break;
            case Update update:
                tree.UpdateLeaf(sender, update.LeafNode);
                break;
            case Remove remove:
                tree.RemoveLeaf(remove.Removed);
                break;
            default:
                throw new VectorMismatchException($"unexpected proposal type {proposal.ProposalType}");
        }

        Expect.Equal(Expect.Hex(testCase, "tree_after"), tree.ToBytes(), "tree_after");
        Expect.Equal(Expect.Hex(testCase, "tree_hash_after"), tree.TreeHash(), "tree_hash_after");
    }
}
