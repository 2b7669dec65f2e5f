namespace Courier.Node.Reserve;

/// <summary>A reserve this node designated: its id, the layer it can take over, k of n, and the contacts who each got one share.</summary>
/// <param name="Id">The reserve's id (32 hex digits), which its members give <c>courier reserve activate</c>.</param>
/// <param name="Layer">The layer the reserve can re-establish.</param>
/// <param name="Threshold">How many members must activate (k).</param>
/// <param name="Members">The contacts, one share each, in the order of their shares' x-coordinates (1 to n).</param>
/// <param name="Notices">What the user should know: a share that waits in the pairwise outbox (the member's drop was deleted).</param>
public sealed record ReserveDesignation(string Id, string Layer, int Threshold, IReadOnlyList<string> Members, IReadOnlyList<string> Notices);

/// <summary>A share of a reserve this node holds (<c>courier reserve list</c>); nothing of the secret.</summary>
/// <param name="Id">The reserve's id (32 hex digits).</param>
/// <param name="Threshold">How many members must activate (k).</param>
/// <param name="Count">How many members hold a share (n).</param>
/// <param name="Number">This member's share, 1 to n.</param>
/// <param name="DesignatedBy">The contact who designated the reserve, by the name this node knows them by.</param>
/// <param name="ReceivedAt">When the share arrived.</param>
public sealed record ReserveShareInfo(string Id, int Threshold, int Count, int Number, string DesignatedBy, DateTimeOffset ReceivedAt);

/// <summary>What <c>courier reserve activate</c> did.</summary>
/// <param name="Id">The reserve's id.</param>
/// <param name="Threshold">How many shares it needs (k).</param>
/// <param name="Shares">How many valid shares were at hand (this member's and those posted to the reserve cell).</param>
/// <param name="Layer">The layer re-established (created locally if this node had none of that name and relays).</param>
/// <param name="Cell">The new cell on the layer's relays this node made or joined; null while the member that makes it (<see cref="Leader"/>) has not yet.</param>
/// <param name="Leader">The share number of the member that makes the new cell: the lowest of the shares at hand.</param>
/// <param name="Refused">Members (code names in the reserve cell) whose posted share did not match the commitment made at designation; their shares were not used.</param>
public sealed record ReserveActivation(string Id, int Threshold, int Shares, string Layer, string? Cell, int Leader, IReadOnlyList<string> Refused);
