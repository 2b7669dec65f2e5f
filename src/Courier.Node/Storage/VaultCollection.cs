namespace Courier.Node.Storage;

/// <summary>
/// The kinds of record in a vault. The database stores only a keyed HMAC of the kind, so the file
/// does not say which rows are contacts; new kinds (cells, messages, group state) take new values.
/// </summary>
internal enum VaultCollection : byte
{
    /// <summary>A contact: the pairwise keys, code names, dead drops and KeyPackages of one relationship.</summary>
    Contact = 1,

    /// <summary>An introduction accepted but not yet answered by the introduced party.</summary>
    PendingIntroduction = 2,

    /// <summary>A layer: its name and relays.</summary>
    Layer = 3,

    /// <summary>A cell's description: name, layer, relay, code names, epoch (<see cref="Cells.CellRecord"/>); no secret of its group.</summary>
    Cell = 4,

    /// <summary>A received message or completed file (<see cref="Cells.InboxRecord"/>).</summary>
    Inbox = 5,

    /// <summary>A file whose chunks are still arriving (<see cref="Cells.FileProgress"/>).</summary>
    FileProgress = 6,

    /// <summary>One chunk of a received file.</summary>
    FileChunk = 7,

    /// <summary>A Welcome to deliver through a contact's pairwise drop (<see cref="Cells.WelcomeDelivery"/>).</summary>
    WelcomeDelivery = 8,

    /// <summary>A cell's MLS group state of the current epoch (written per epoch and per proposal).</summary>
    CellGroup = 9,

    /// <summary>One record of a cell's secret-tree ratchets (written per message), found by the cell.</summary>
    CellRatchet = 10,

    /// <summary>A cell's position in its drops and what it learned from them (<see cref="Cells.CellCursor"/>).</summary>
    CellCursor = 11,

    /// <summary>A message this member sent, until its place in the epoch's order is known (<see cref="Cells.OutboxEntry"/>).</summary>
    Outbox = 12,

    /// <summary>The Welcome of this member's commit in flight, and whom it is for (<see cref="Cells.PendingWelcome"/>).</summary>
    PendingWelcome = 13,

    /// <summary>An introduction this node completed, until it expires, so that it is used once (<see cref="Introductions.UsedIntroductions"/>).</summary>
    UsedIntroduction = 14,

    /// <summary>A cell invitation on a relay none of the layers uses, waiting for the user (a <see cref="Cells.WelcomeDelivery"/>).</summary>
    PendingJoin = 15,

    /// <summary>A pairwise message on its way to a contact (<see cref="Introductions.PairwiseOutboxEntry"/>).</summary>
    PairwiseOutbox = 16,

    /// <summary>A cell's external commit in flight, with the group it starts (<see cref="Cells.PendingRejoin"/>).</summary>
    PendingRejoin = 17,

    /// <summary>A contact's request to be added back to a cell, until that cell is synced (<see cref="Cells.ReceivedReAdd"/>).</summary>
    ReAddRequest = 18,

    /// <summary>The KeyPackage this member sent asking to be added back to a cell, until a Welcome uses it (<see cref="Cells.ReAddBundle"/>).</summary>
    ReAddBundle = 19,

    /// <summary>The digest of a cover image this node hid a bundle in, so that no cover is used twice (<see cref="Bundles.UsedCovers"/>).</summary>
    UsedCover = 20,

    /// <summary>A cell's retention: how long its received messages are kept (<see cref="Cells.CellRetention"/>).</summary>
    CellRetention = 21,

    /// <summary>The seed of this node's analyst key, to which members seal their organization maps (<see cref="Exposure.AnalystKey"/>).</summary>
    AnalystKey = 22,

    /// <summary>An authority whose bulletins this node accepts: a name and an Ed25519 key (<see cref="Bulletins.BulletinStore"/>).</summary>
    Authority = 30,

    /// <summary>What this node knows of a bulletin it accepted: authority, number, id, title, times (<see cref="Bulletins.BulletinStore"/>).</summary>
    Bulletin = 31,

    /// <summary>A bulletin accepted, as its file, found by the id of its <see cref="Bulletin"/> record.</summary>
    BulletinFile = 32,

    /// <summary>An authority this node holds a FROST share of, as a council member (<see cref="Council.HeldAuthority"/>).</summary>
    AuthorityShare = 33,

    /// <summary>A council message read from a council's cell, until acted on (<see cref="Council.ReceivedCouncilMessage"/>).</summary>
    CouncilMessage = 34,

    /// <summary>This member's round-one signing nonces, stored before its commitments leave and deleted before its signature share does (<see cref="Council.StoredNonce"/>).</summary>
    SigningNonce = 35,

    /// <summary>A signing this node coordinates: the header, the commitments and shares received (<see cref="Council.SigningState"/>).</summary>
    SigningRequest = 36,

    /// <summary>The content of a bulletin being signed, then the signed bulletin file, of a <see cref="SigningRequest"/>.</summary>
    SigningContent = 37,

    /// <summary>A share of a reserve a contact designated this node for, with the reserve's id, k, n and commitments (<see cref="Reserve.StoredReserveShare"/>).</summary>
    ReserveShare = 40,

    /// <summary>A reserve activation message a member posted to a reserve cell: a share or a new cell's Welcome (<see cref="Reserve.ReceivedActivation"/>).</summary>
    ReserveActivation = 41,

    /// <summary>This member's own activation of a reserve: the KeyPackage it offered with private keys, and the cell it made or joined (<see cref="Reserve.ActivationState"/>).</summary>
    ReserveState = 42,

    /// <summary>A burn notice this node received or sent: the code names to stop trusting (<see cref="Cells.BurnRecord"/>).</summary>
    BurnNotice = 43,
}
