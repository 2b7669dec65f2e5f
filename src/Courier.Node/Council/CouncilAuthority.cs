namespace Courier.Node.Council;

/// <summary>An authority this node holds a share of, as listed (nothing secret).</summary>
/// <param name="Name">Its name (the dealer's choice).</param>
/// <param name="Key">Its Ed25519 public key, lower-case hex: what readers verify bulletins with.</param>
/// <param name="Threshold">How many members sign together (k).</param>
/// <param name="Count">How many members hold a share (n).</param>
/// <param name="Number">This member's share number, 1 to n.</param>
/// <param name="Cell">The council's cell, as this node names it, where the signing rounds run.</param>
/// <param name="LastSequence">The highest bulletin number this member approved for signing (0: none).</param>
/// <param name="ReceivedAt">When this node got its share.</param>
public sealed record CouncilAuthority(string Name, string Key, int Threshold, int Count, int Number, string Cell, ulong LastSequence, DateTimeOffset ReceivedAt);

/// <summary>A signing request as this node sees it (docs/bulletins.md, "The signing protocol").</summary>
/// <param name="Id">The request's id, 32 hex digits.</param>
/// <param name="Authority">The authority's name here.</param>
/// <param name="Sequence">The bulletin's number.</param>
/// <param name="Title">The bulletin's title.</param>
/// <param name="Size">The content's size in bytes.</param>
/// <param name="BulletinId">The bulletin's id (the SHA-256 of its signed header): the same whoever signs.</param>
/// <param name="Requester">The code name of the member who asked (this node's own, for its requests).</param>
/// <param name="Status">Where it stands.</param>
/// <param name="Round">The signing round, from 1 (a new round follows a bad signature share).</param>
/// <param name="Committed">How many members committed in this round; the threshold is needed.</param>
/// <param name="Excluded">The code names of members whose signature share was bad, excluded from later rounds.</param>
public sealed record SigningRequestInfo(string Id, string Authority, ulong Sequence, string Title, long Size, string BulletinId, string Requester, SigningStatus Status, int Round, int Committed, IReadOnlyList<string> Excluded);

/// <summary>Where a signing request stands.</summary>
public enum SigningStatus
{
    /// <summary>Asked by another member; this node has not approved it (<c>courier authority approve</c>).</summary>
    AwaitingApproval,

    /// <summary>This node's request: waiting for the threshold of members to commit (round one).</summary>
    Collecting,

    /// <summary>This node's request: the signers are chosen, waiting for their signature shares (round two).</summary>
    Signing,

    /// <summary>This node's request: signed; the bulletin is among this node's bulletins.</summary>
    Completed,
}
