using System.Text.Json;
using Courier.Mls.Crypto;
using Courier.Mls.TreeSync;

namespace Courier.Vectors;

/// <summary>
/// tree-validation.json: resolutions (RFC 9420 §4.1.1), tree hashes of every node (§7.8), parent
/// hashes as on joining (§7.9.2) and the leaves' signatures with group_id as context (§7.3).
/// </summary>
public sealed class TreeValidationVectors : VectorFile
{
    /// <inheritdoc/>
    public override string FileName => "tree-validation.json";

    internal override void Check(JsonElement testCase, CipherSuite? suite)
    {
        var tree = RatchetTree.Decode(suite!, Expect.Hex(testCase, "tree"));
        var groupId = Expect.Hex(testCase, "group_id");

        var resolutions = testCase.GetProperty("resolutions");
        var treeHashes = testCase.GetProperty("tree_hashes");
        Expect.Equal((int)tree.NodeCount, resolutions.GetArrayLength(), "resolutions per node");
        Expect.Equal((int)tree.NodeCount, treeHashes.GetArrayLength(), "tree hashes per node");
        for (var x = 0u; x < tree.NodeCount; x++)
        {
            var expected = resolutions[(int)x].EnumerateArray().Select(e => e.GetUInt32()).ToArray();
            var actual = tree.Resolution(x);
            Expect.True(expected.SequenceEqual(actual), $"resolution of node {x}: expected [{string.Join(", ", expected)}], got [{string.Join(", ", actual)}]");
            Expect.Equal(Convert.FromHexString(treeHashes[(int)x].GetString()!), tree.TreeHash(x), $"tree hash of node {x}");
        }

        tree.VerifyParentHashes();
        foreach (var (index, leaf) in tree.Leaves)
        {
            Expect.True(LeafNodeValidation.VerifySignature(leaf, suite!, groupId, index), $"signature of leaf {index}");
        }

        // The whole join-time leaf validation (§12.4.3.1) accepts these trees too.
        LeafNodeValidation.ValidateTree(tree, groupId, requiredCapabilities: null, now: null);
    }
}
