using Courier.Mls.Crypto;
using Courier.Mls.Hpke;
using Courier.Mls.Messages;
using Courier.Mls.TreeKem;
using Courier.Mls.TreeSync;

namespace Courier.Mls.Tests.TreeSync;

/// <summary>A commit built by its sender but not yet processed by the others.</summary>
internal sealed record StagedCommit(
    uint Sender,
    RatchetTree Proposed,
    RatchetTree Committed,
    PendingUpdatePath Pending,
    UpdatePath Path,
    GroupContext Context,
    IReadOnlySet<uint> Excluded,
    List<(uint Leaf, HpkePrivateKey Key, SignaturePrivateKey Signer)> Joiners,
    IReadOnlyList<uint> Removed,
    IReadOnlyList<(uint Leaf, LeafNode Node, HpkePrivateKey Key)> Updates);
