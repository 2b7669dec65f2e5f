using Courier.Mls.TreeMath;

namespace Courier.Mls.Tests.TreeMath;

public class ArrayTreeTests
{
    [Theory]
    [InlineData(0u)]
    [InlineData(3u)]
    [InlineData(5u)]
    [InlineData(6u)]
    [InlineData(12u)]
    [InlineData(uint.MaxValue)]
    [InlineData((1u << 31) + 1)]
    public void Leaf_count_that_is_not_a_power_of_two_is_rejected(uint leafCount)
    {
        Assert.False(ArrayTree.IsValidLeafCount(leafCount));
        Assert.Throws<ArgumentOutOfRangeException>(() => ArrayTree.NodeWidth(leafCount));
        Assert.Throws<ArgumentOutOfRangeException>(() => ArrayTree.Root(leafCount));
        Assert.Throws<ArgumentOutOfRangeException>(() => ArrayTree.LeafToNode(0, leafCount));
    }

    [Fact]
    public void Largest_tree_fills_the_uint_range()
    {
        Assert.Equal(uint.MaxValue, ArrayTree.NodeWidth(ArrayTree.MaxLeafCount));
        var root = ArrayTree.Root(ArrayTree.MaxLeafCount);
        Assert.Equal((1u << 31) - 1, root);
        Assert.Equal(31u, ArrayTree.Level(root));
        Assert.Equal((1u << 30) - 1, ArrayTree.Left(root, ArrayTree.MaxLeafCount));
        Assert.Equal((1u << 31) + (1u << 30) - 1, ArrayTree.Right(root, ArrayTree.MaxLeafCount));
        var lastLeaf = uint.MaxValue - 1;
        Assert.Equal(31, ArrayTree.DirectPath(lastLeaf, ArrayTree.MaxLeafCount).Length);
        Assert.Equal(root, ArrayTree.DirectPath(lastLeaf, ArrayTree.MaxLeafCount)[^1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => ArrayTree.Parent(uint.MaxValue, ArrayTree.MaxLeafCount));
    }

    [Theory]
    [InlineData(1u, 1u)]
    [InlineData(2u, 3u)]
    [InlineData(8u, 15u)]
    [InlineData(8u, 100u)]
    public void Node_outside_the_tree_is_rejected(uint leafCount, uint node)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ArrayTree.Parent(node, leafCount));
        Assert.Throws<ArgumentOutOfRangeException>(() => ArrayTree.Sibling(node, leafCount));
        Assert.Throws<ArgumentOutOfRangeException>(() => ArrayTree.Left(node | 1, leafCount));
        Assert.Throws<ArgumentOutOfRangeException>(() => ArrayTree.Right(node | 1, leafCount));
        Assert.Throws<ArgumentOutOfRangeException>(() => ArrayTree.DirectPath(node, leafCount));
        Assert.Throws<ArgumentOutOfRangeException>(() => ArrayTree.Copath(node, leafCount));
        Assert.Throws<ArgumentOutOfRangeException>(() => ArrayTree.CommonAncestor(0, node, leafCount));
        Assert.Throws<ArgumentOutOfRangeException>(() => ArrayTree.NodeToLeaf((node + 1) & ~1u, leafCount));
    }

    [Fact]
    public void Leaf_has_no_children_and_root_has_no_parent_or_sibling()
    {
        var leftError = Assert.Throws<ArgumentException>(() => ArrayTree.Left(4, 8));
        Assert.Equal("x", leftError.ParamName);
        Assert.Throws<ArgumentException>(() => ArrayTree.Right(0, 8));
        Assert.Throws<ArgumentException>(() => ArrayTree.Parent(7, 8));
        Assert.Throws<ArgumentException>(() => ArrayTree.Sibling(7, 8));
        Assert.Throws<ArgumentException>(() => ArrayTree.Parent(0, 1));
        Assert.Empty(ArrayTree.DirectPath(0, 1));
        Assert.Empty(ArrayTree.Copath(7, 8));
    }

    [Fact]
    public void Leaf_and_node_indices_convert_only_inside_the_tree()
    {
        Assert.Equal(14u, ArrayTree.LeafToNode(7, 8));
        Assert.Equal(7u, ArrayTree.NodeToLeaf(14, 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => ArrayTree.LeafToNode(8, 8));
        Assert.Throws<ArgumentException>(() => ArrayTree.NodeToLeaf(5, 8));
    }

    [Fact]
    public void Paths_match_the_five_member_example_of_rfc9420_section_4_2()
    {
        // Figure "A Complete Tree with Five Members": T=1 U=3 V=5 W=7 X=9 Y=11 Z=13.
        Assert.Equal([1u, 3u, 7u], ArrayTree.DirectPath(0, 8));   // A
        Assert.Equal([2u, 5u, 11u], ArrayTree.Copath(0, 8));
        Assert.Equal([0u, 5u, 11u], ArrayTree.Copath(2, 8));      // B
        Assert.Equal([9u, 11u, 7u], ArrayTree.DirectPath(8, 8));  // E
        Assert.Equal([10u, 13u, 3u], ArrayTree.Copath(8, 8));
        Assert.Equal([13u, 11u, 7u], ArrayTree.DirectPath(12, 8)); // G
        Assert.Equal([14u, 9u, 3u], ArrayTree.Copath(12, 8));
    }

    [Theory]
    [InlineData(1u)]
    [InlineData(2u)]
    [InlineData(8u)]
    [InlineData(32u)]
    public void Common_ancestor_is_the_lowest_shared_node_of_both_paths(uint leafCount)
    {
        var width = ArrayTree.NodeWidth(leafCount);
        for (var x = 0u; x < width; x++)
        {
            for (var y = 0u; y < width; y++)
            {
                // RFC 9420 Appendix C common_ancestor_semantic.
                var shared = ArrayTree.DirectPath(x, leafCount).Prepend(x)
                    .Intersect(ArrayTree.DirectPath(y, leafCount).Prepend(y));
                var expected = shared.MinBy(ArrayTree.Level);
                Assert.Equal(expected, ArrayTree.CommonAncestor(x, y, leafCount));
            }
        }
    }

    [Theory]
    [InlineData(4u)]
    [InlineData(64u)]
    public void Children_parent_and_sibling_are_consistent(uint leafCount)
    {
        var width = ArrayTree.NodeWidth(leafCount);
        for (var x = 0u; x < width; x++)
        {
            if (!ArrayTree.IsLeaf(x))
            {
                var left = ArrayTree.Left(x, leafCount);
                var right = ArrayTree.Right(x, leafCount);
                Assert.True(left < x && x < right);
                Assert.Equal(x, ArrayTree.Parent(left, leafCount));
                Assert.Equal(x, ArrayTree.Parent(right, leafCount));
                Assert.Equal(right, ArrayTree.Sibling(left, leafCount));
                Assert.Equal(left, ArrayTree.Sibling(right, leafCount));
                Assert.Equal(ArrayTree.Level(x) - 1, ArrayTree.Level(left));
            }
        }
    }
}
