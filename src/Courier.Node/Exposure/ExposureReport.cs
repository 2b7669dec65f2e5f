namespace Courier.Node.Exposure;

/// <summary>
/// What a person holding this unlocked device learns from its vault (docs/exposure.md): every code
/// name it knows, the layers and their relays, the cells and their members, the contacts and who
/// introduced whom, the liaison links, bulletin authorities and shares, and the message history.
/// Nothing here is read from a relay; secrets (keys, drop names) are not listed, only what they reveal.
/// </summary>
/// <param name="CodeNames">Every code name the vault holds, this member's own and others', each with where it was found.</param>
/// <param name="Layers">The layers and their relays.</param>
/// <param name="Cells">The cells and their members.</param>
/// <param name="PendingCells">Cell invitations waiting for the user (a cell name, its relay, who invited).</param>
/// <param name="Contacts">The contacts, with who introduced whom.</param>
/// <param name="PendingIntroductions">Introductions answered but not yet completed: the introducer and the person introduced.</param>
/// <param name="Liaisons">Liaison links: this member's own cells in two layers, and senders seen forwarding from another cell.</param>
/// <param name="Bulletins">Bulletin authorities followed and authority shares held.</param>
/// <param name="Reserves">The reserve shares held: which reserve, k of n, from whom, for which cell, how far its activation went; never the share.</param>
/// <param name="History">How much message history, over what time window.</param>
public sealed record ExposureReport(
    IReadOnlyList<KnownCodeName> CodeNames,
    IReadOnlyList<Cells.Layer> Layers,
    IReadOnlyList<Cells.CellSummary> Cells,
    IReadOnlyList<PendingCell> PendingCells,
    IReadOnlyList<Contact> Contacts,
    IReadOnlyList<KnownIntroduction> PendingIntroductions,
    IReadOnlyList<LiaisonLink> Liaisons,
    BulletinExposure Bulletins,
    IReadOnlyList<HeldReserve> Reserves,
    MessageHistory History);

/// <summary>A code name the vault holds.</summary>
/// <param name="Name">The code name.</param>
/// <param name="Own">True when it is this member's (in a cell, to a contact, or in a KeyPackage given to one).</param>
/// <param name="Where">Where it is used: <c>cell NAME</c>, <c>contact NAME</c>, <c>keypackage for NAME</c>, <c>keypackage from NAME</c>, <c>introduced by NAME</c>, <c>introducer of NAME</c>, <c>pending introduction by NAME</c>, <c>invitation to NAME</c>.</param>
public sealed record KnownCodeName(string Name, bool Own, string Where);

/// <summary>An introduction this node answered and waits to complete.</summary>
/// <param name="IntroducerName">The introducer's code name as this node knows them.</param>
/// <param name="PeerName">The name the introducer gave the person introduced.</param>
/// <param name="Relay">The relay of the introduction's drops.</param>
public sealed record KnownIntroduction(string IntroducerName, string PeerName, string Relay);

/// <summary>
/// A liaison link the vault shows. For this member's own link, both sides are known (its cells in two
/// layers, under two code names a seizure links); for a forwarder seen in a cell, only the near side
/// (<see cref="OtherCell"/> and <see cref="OtherLayer"/> are null).
/// </summary>
/// <param name="Member">The liaison's code name in <paramref name="Cell"/>.</param>
/// <param name="Own">True when the liaison is this member.</param>
/// <param name="Cell">The cell on this side.</param>
/// <param name="Layer">Its layer.</param>
/// <param name="OtherMember">The liaison's code name on the other side, when known.</param>
/// <param name="OtherCell">The cell on the other side, when known.</param>
/// <param name="OtherLayer">Its layer, when known.</param>
public sealed record LiaisonLink(string Member, bool Own, string Cell, string Layer, string? OtherMember, string? OtherCell, string? OtherLayer);

/// <summary>
/// Bulletin authorities and shares the vault holds (docs/bulletins.md): whoever holds the unlocked
/// device holds each share, one of the k needed to sign in the authority's name.
/// </summary>
/// <param name="Authorities">The bulletin authorities this node follows: name, key, bulletins held and the latest number.</param>
/// <param name="Shares">The authority key shares this node holds: the authority, its key, the share's number, k of n and the council's cell.</param>
public sealed record BulletinExposure(IReadOnlyList<string> Authorities, IReadOnlyList<string> Shares);

/// <summary>A reserve share the vault holds (docs/exposure.md, "The reserve cell"); nothing of the share or the secret.</summary>
/// <param name="Id">The reserve's id (32 hex digits).</param>
/// <param name="Threshold">How many shares rebuild it (k).</param>
/// <param name="Count">How many members hold a share (n).</param>
/// <param name="Number">This member's share, 1 to n.</param>
/// <param name="DesignatedBy">The contact who designated it, by the name this node knows them by.</param>
/// <param name="Cell">The reserve cell, by this node's name for it; null when this node is no longer a member of it.</param>
/// <param name="Activated">True when this member posted its share to the reserve cell.</param>
/// <param name="SharesSeen">The other members' shares seen posted in the reserve cell that match the designation.</param>
public sealed record HeldReserve(string Id, int Threshold, int Count, int Number, string DesignatedBy, string? Cell, bool Activated, int SharesSeen);

/// <summary>The message history the vault holds.</summary>
/// <param name="Cells">Per cell, what was received and when.</param>
/// <param name="Messages">Received texts and files in all.</param>
/// <param name="First">When the oldest was received, or null when none was.</param>
/// <param name="Last">When the newest was received, or null when none was.</param>
/// <param name="Waiting">Messages this node sent that wait in the outboxes (their text is in the vault too).</param>
public sealed record MessageHistory(IReadOnlyList<CellHistory> Cells, int Messages, DateTimeOffset? First, DateTimeOffset? Last, int Waiting);

/// <summary>What one cell's inbox holds.</summary>
/// <param name="Cell">The cell's name.</param>
/// <param name="Texts">Texts received.</param>
/// <param name="Files">Complete files received.</param>
/// <param name="FileBytes">Their size in all.</param>
/// <param name="Forwarded">Messages among them a liaison forwarded from another cell.</param>
/// <param name="First">When the oldest was received.</param>
/// <param name="Last">When the newest was received.</param>
public sealed record CellHistory(string Cell, int Texts, int Files, long FileBytes, int Forwarded, DateTimeOffset First, DateTimeOffset Last);
