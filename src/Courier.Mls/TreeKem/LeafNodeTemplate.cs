namespace Courier.Mls.TreeKem;

/// <summary>
/// What a committer chooses for its new leaf in an UpdatePath (RFC 9420 §7.5 step 4, §12.4.2): the
/// credential, capabilities and extensions. The keys, leaf_node_source (commit), parent_hash and
/// signature are filled in by <see cref="TreeKemOperations.PreparePath"/>.
/// </summary>
internal sealed record LeafNodeTemplate(Credential Credential, Capabilities Capabilities, IReadOnlyList<Extension> Extensions)
{
    /// <summary>The template that keeps the credential, capabilities and extensions of <paramref name="leaf"/>.</summary>
    public static LeafNodeTemplate From(LeafNode leaf)
    {
        ArgumentNullException.ThrowIfNull(leaf);
        return new LeafNodeTemplate(leaf.Credential, leaf.Capabilities, leaf.Extensions);
    }
}
