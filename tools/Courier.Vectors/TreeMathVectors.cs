using System.Text.Json;
using Courier.Mls.Crypto;
using Courier.Mls.TreeMath;

namespace Courier.Vectors;

/// <summary>tree-math.json: array-tree index arithmetic (RFC 9420 Appendix C).</summary>
public sealed class TreeMathVectors : VectorFile
{
    /// <inheritdoc/>
    public override string FileName => "tree-math.json";

    /// <inheritdoc/>
    public override bool PerSuite => false;

    internal override void Check(JsonElement testCase, CipherSuite? suite)
    {
        var n = Expect.UInt32(testCase, "n_leaves");
        var width = ArrayTree.NodeWidth(n);
        Expect.Equal(Expect.UInt32(testCase, "n_nodes"), width, "n_nodes");
        var root = ArrayTree.Root(n);
        Expect.Equal(Expect.UInt32(testCase, "root"), root, "root");

        var left = testCase.GetProperty("left");
        var right = testCase.GetProperty("right");
        var parent = testCase.GetProperty("parent");
        var sibling = testCase.GetProperty("sibling");
        foreach (var list in new[] { left, right, parent, sibling })
        {
            Expect.Equal((int)width, list.GetArrayLength(), "entries per list");
        }

        for (var x = 0u; x < width; x++)
        {
            var isLeaf = ArrayTree.IsLeaf(x);
            var isRoot = x == root;
            Expect.Equal(Optional(left[(int)x]), isLeaf ? (uint?)null : ArrayTree.Left(x, n), $"left[{x}]");
            Expect.Equal(Optional(right[(int)x]), isLeaf ? (uint?)null : ArrayTree.Right(x, n), $"right[{x}]");
            Expect.Equal(Optional(parent[(int)x]), isRoot ? (uint?)null : ArrayTree.Parent(x, n), $"parent[{x}]");
            Expect.Equal(Optional(sibling[(int)x]), isRoot ? (uint?)null : ArrayTree.Sibling(x, n), $"sibling[{x}]");
        }
    }

    private static uint? Optional(JsonElement value) => value.ValueKind == JsonValueKind.Null ? null : value.GetUInt32();
}
