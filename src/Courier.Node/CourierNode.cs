using Courier.Node.Cells;
using Courier.Node.Contacts;
using Courier.Node.Introductions;
using Courier.Node.Storage;

namespace Courier.Node;

/// <summary>
/// A member's node (docs/architecture.md): its vault in a home directory, its contacts, first contact
/// by phrase, introductions, layers, cells, messages and files. A small facade over one service per
/// job (<see cref="ContactService"/>, <see cref="IntroductionService"/>, <see cref="CellService"/>,
/// <see cref="MessageService"/>, <see cref="InboxService"/>, <see cref="SyncService"/>). Open one node
/// per home directory at a time; a second open, in this process or another, is refused with
/// <see cref="HomeLockedException"/>. Not thread-safe: one operation at a time (an
/// <see cref="Invitation"/> waiting in <see cref="Invitation.CompleteAsync"/> counts as one).
/// </summary>
/// <remarks>
/// Every user-facing failure is a <see cref="NodeException"/> whose message can be shown as it is;
/// <see cref="ArgumentException"/> means a caller bug.
/// </remarks>
public sealed class CourierNode : IDisposable
{
    /// <summary>The size of a file chunk: one chunk, with MLS framing, fills one 64 KiB envelope.</summary>
    public const int FileChunkSize = MessageService.FileChunkSize;

    private readonly NodeContext _node;
    private readonly ContactService _contacts;
    private readonly IntroductionService _introductions;
    private readonly CellService _cells;
    private readonly MessageService _messages;
    private readonly InboxService _inbox;
    private readonly SyncService _sync;
    private readonly Bundles.BundleService _bundles;
    private readonly Bulletins.BulletinStore _bulletins;
    private readonly Exposure.ExposureService _exposure;
    private readonly Reserve.ReserveService _reserves;
    private readonly Council.CouncilService _council;

    private CourierNode(string home, Vault vault, NodeOptions options)
    {
        Home = home;
        vault.KeepWithinEpochImages(options.WithinEpochScrubDelay, options.Time);
        _node = new NodeContext(vault, options);
        _contacts = new ContactService(_node);
        _introductions = new IntroductionService(_node, _contacts);
        _cells = new CellService(_node);
        _messages = new MessageService(_node);
        _inbox = new InboxService(_node);
        _bulletins = new Bulletins.BulletinStore(_node.Vault, options.Time);
        _exposure = new Exposure.ExposureService(_node, _cells, _bulletins);
        _reserves = new Reserve.ReserveService(_node, _exposure, _cells);
        _council = new Council.CouncilService(_node, _bulletins);
        _sync = new SyncService(_node, _contacts, _introductions, _cells, _reserves, _council);
        _bundles = new Bundles.BundleService(_node);

        // Disappearing messages: what expired while the node was closed goes before anything reads it.
        _inbox.Expire();
    }

    /// <summary>The default home directory: <c>~/.courier</c>.</summary>
    public static string DefaultHome => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".courier");

    /// <summary>The home directory this node has open.</summary>
    public string Home { get; }

    /// <summary>The Argon2id parameters of this vault's passphrase.</summary>
    public VaultKdfParameters Kdf => _node.Vault.Kdf;

    /// <summary>Every contact, oldest first.</summary>
    /// <exception cref="VaultCorruptedException">A contact record is damaged.</exception>
    public IReadOnlyList<Contact> Contacts => _contacts.List();

    /// <summary>Every layer, by name.</summary>
    public IReadOnlyList<Layer> Layers => _cells.Layers;

    /// <summary>Every cell, by name, with its members (no group is decrypted to list them).</summary>
    public IReadOnlyList<CellSummary> Cells => _cells.Cells;

    /// <summary>The vault, for tests that look at what is stored.</summary>
    internal Vault Vault => _node.Vault;

    /// <summary>Creates a vault in <paramref name="home"/> (the directory is created, readable only by its owner) and opens it.</summary>
    /// <exception cref="VaultExistsException">The home already holds a vault; nothing was changed.</exception>
    /// <exception cref="HomeLockedException">Another node has the home open.</exception>
    public static CourierNode Init(string home, ReadOnlySpan<char> passphrase, NodeOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(home);
        options ??= new NodeOptions();
        options.Validate();
        return new CourierNode(home, Vault.Create(home, passphrase, options.Kdf), options);
    }

    /// <summary>Opens the vault in <paramref name="home"/>.</summary>
    /// <exception cref="VaultNotFoundException">The home holds no vault.</exception>
    /// <exception cref="HomeLockedException">Another node has the home open.</exception>
    /// <exception cref="WrongPassphraseException">The passphrase is wrong; nothing was read or changed.</exception>
    /// <exception cref="VaultCorruptedException">The vault's files are damaged.</exception>
    /// <exception cref="VaultFormatException">An older or newer Courier wrote the vault in a format this one cannot read; nothing was changed.</exception>
    public static CourierNode Open(string home, ReadOnlySpan<char> passphrase, NodeOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(home);
        options ??= new NodeOptions();
        options.Validate();
        return new CourierNode(home, Vault.Open(home, passphrase), options);
    }

    /// <summary>
    /// Destroys the vault in <paramref name="home"/> without its passphrase, in well under a second
    /// (docs/panic.md): the header, the only place the vault key is kept (wrapped), is overwritten
    /// with random bytes, flushed and deleted, and the database files are deleted. Works while
    /// another node has the home open; that node then refuses every operation with
    /// <see cref="VaultDestroyedException"/> (<see cref="Destroyed"/>). Returns false when the home
    /// held no vault header (what else of a vault was there is deleted all the same).
    /// </summary>
    public static bool Panic(string home)
    {
        ArgumentException.ThrowIfNullOrEmpty(home);
        return Vault.Destroy(home);
    }

    /// <summary>True once the vault this node has open was destroyed by <see cref="Panic"/>, from this or another process.</summary>
    public bool Destroyed => _node.Vault.Destroyed;

    /// <summary>The contact whose id (32 hex digits) or code name (any case) is <paramref name="idOrName"/>.</summary>
    /// <exception cref="UnknownContactException">No contact, or several contacts, have that name.</exception>
    public Contact FindContact(string idOrName) => _contacts.Find(idOrName);

    /// <summary>
    /// Starts a first contact as the inviter: allocates a nameplate at <paramref name="relay"/> and
    /// returns the invitation, whose <see cref="Invitation.Code"/> the user passes on and whose
    /// <see cref="Invitation.CompleteAsync"/> waits for the other side and stores the contact.
    /// </summary>
    /// <param name="relay">The relay of the nameplate and of the new contact's dead drops.</param>
    /// <param name="phrase">A phrase agreed with the other person, or null for three random words.</param>
    /// <param name="codeName">The code name this contact will know us by, or null for a fresh random one.</param>
    /// <param name="cancellationToken">Cancels the relay calls.</param>
    public Task<Invitation> InviteAsync(Uri relay, string? phrase = null, string? codeName = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(relay);
        Names.CheckCodeName(codeName);
        return _contacts.InviteAsync(relay, phrase, codeName, cancellationToken);
    }

    /// <summary>Accepts an invitation: runs first contact with the inviter through <paramref name="relay"/> and stores the contact.</summary>
    /// <param name="relay">The relay the inviter used.</param>
    /// <param name="code">The code from the inviter: <c>&lt;nameplate&gt;-&lt;words or phrase&gt;</c>.</param>
    /// <param name="codeName">The code name this contact will know us by, or null for a fresh random one.</param>
    /// <param name="cancellationToken">Cancels the relay calls.</param>
    /// <exception cref="InvalidCodeException">The code is not an invitation code.</exception>
    /// <exception cref="InvitationUnavailableException">The nameplate is unknown: expired, used, burned or mistyped.</exception>
    /// <exception cref="WrongCodeException">The inviter used a different code; nothing was stored.</exception>
    /// <exception cref="InterferenceException">Someone else joined the invitation's nameplate first, or the contact failed after a third party tried to; nothing was stored.</exception>
    /// <exception cref="FirstContactFailedException">No answer in time, or a message that does not verify; nothing was stored.</exception>
    /// <exception cref="RelayUnreachableException">The relay could not be reached.</exception>
    public Task<Contact> AcceptAsync(Uri relay, string code, string? codeName = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(relay);
        Names.CheckCodeName(codeName);
        return _contacts.AcceptAsync(relay, code, codeName, cancellationToken);
    }

    /// <summary>
    /// Introduces two contacts to each other: signs, for each, a statement that vouches for the other
    /// and delivers it through their pairwise dead drop (both must be on the same relay). Each then
    /// answers through <see cref="ReceiveAsync"/>; once both have, each holds the other as a contact
    /// marked as introduced by us. Both statements are kept in the pairwise outbox until the relay
    /// took them: one whose drop the relay had deleted waits for a later <see cref="SyncAsync"/>, and
    /// the sentences returned say so; one the relay could not take (unreachable) goes out with the next sync.
    /// </summary>
    /// <returns>What the user should know, one sentence each (empty when both statements were delivered).</returns>
    /// <exception cref="UnknownContactException">Either contact is unknown.</exception>
    /// <exception cref="ArgumentException">Both names are the same contact, or their drops are on different relays.</exception>
    public Task<IReadOnlyList<string>> IntroduceAsync(string first, string second, CancellationToken cancellationToken = default) => _introductions.IntroduceAsync(first, second, cancellationToken);

    /// <summary>
    /// Fetches every contact's drop and acts on what arrived: verifies introductions (a forged or
    /// altered one is refused and reported), answers the valid ones, adds the contacts whose answers
    /// came back, joins cells from Welcomes and keeps new KeyPackages. Safe to call again after a
    /// crash: each step is committed before the relay is told it may forget the input.
    /// </summary>
    /// <exception cref="RelayUnreachableException">A contact's relay could not be reached.</exception>
    public Task<ReceiveResult> ReceiveAsync(CancellationToken cancellationToken = default) => _sync.ReceiveAsync(null, cancellationToken);

    /// <summary>One cell, with its members.</summary>
    /// <exception cref="UnknownCellException">No cell has that name.</exception>
    public CellSummary Describe(string cell) => _cells.Describe(cell);

    /// <summary>
    /// Creates a layer whose cells use only <paramref name="relays"/>; with
    /// <paramref name="requirePostQuantum"/>, its cells take only members whose KeyPackages are of the
    /// post-quantum ciphersuite 0x0054 (X-Wing), and join only cells of that suite. With three or more
    /// relays and <paramref name="mixPins"/> (each relay's mix identity key, as it prints it), its drops
    /// are reached through the mix (<see cref="NodeOptions.Route"/>, docs/mixnet.md).
    /// </summary>
    /// <exception cref="NameTakenException">A layer of that name exists.</exception>
    public Layer CreateLayer(string name, IReadOnlyList<Uri> relays, bool requirePostQuantum = false, IReadOnlyList<byte[]>? mixPins = null) => _cells.CreateLayer(name, relays, requirePostQuantum, mixPins);

    /// <summary>
    /// Each relay's mix identity key as its descriptor gives it, for <see cref="CreateLayer"/> when the
    /// keys were not obtained from the relays' operators (trust on first use: compare them with theirs).
    /// </summary>
    /// <exception cref="RelayUnreachableException">A relay gives no descriptor.</exception>
    public Task<IReadOnlyList<byte[]>> FetchMixIdentityKeysAsync(IReadOnlyList<Uri> relays, CancellationToken cancellationToken = default)
        => Relay.Mix.MixIdentity.FetchAsync(relays, _node.Options, cancellationToken);

    /// <summary>
    /// Creates a cell in <paramref name="layer"/> (may be null when there is exactly one layer) with this
    /// node as its only member, under a code name used nowhere else. Its drops live on one of the
    /// layer's relays, chosen at random.
    /// </summary>
    /// <exception cref="NameTakenException">A cell of that name exists.</exception>
    /// <exception cref="UnknownLayerException">No such layer, or none named when there are several.</exception>
    public Task<CellSummary> CreateCellAsync(string name, string? layer = null, string? codeName = null, CancellationToken cancellationToken = default)
        => _cells.CreateAsync(name, layer, codeName, cancellationToken);

    /// <summary>
    /// Adds contacts to a cell: one of each contact's KeyPackages goes into one commit, and once the
    /// commit has won its epoch the Welcome goes to each through the pairwise drop shared with them.
    /// They join on their next sync, under a code name and key used nowhere else. Returns what the user
    /// should know: a Welcome that waits in the pairwise outbox (the contact's drop was deleted, the
    /// relay refused it or was out of reach) and goes out with a later sync.
    /// </summary>
    /// <exception cref="NoKeyPackageException">A contact has no KeyPackage left (they send new ones as they join cells).</exception>
    /// <exception cref="BadKeyPackageException">The cell's group refused a contact's KeyPackage.</exception>
    /// <exception cref="CellBusyException">Other members' commits kept winning; nothing was changed.</exception>
    public Task<IReadOnlyList<string>> AddToCellAsync(string cell, IReadOnlyList<string> contacts, CancellationToken cancellationToken = default) => _cells.AddAsync(cell, contacts, cancellationToken);

    /// <summary>Removes members, by their code names in the cell, in one commit: they cannot read what is sent after it.</summary>
    /// <exception cref="CellBusyException">Other members' commits kept winning; nothing was changed.</exception>
    public Task RemoveFromCellAsync(string cell, IReadOnlyList<string> members, CancellationToken cancellationToken = default) => _cells.RemoveAsync(cell, members, cancellationToken);

    /// <summary>
    /// Burns a cell (docs/cells.md, "Burning a cell"): removes the suspects, by their code names in the
    /// cell, in one commit that starts an epoch with a drop and keys they cannot derive and gives this
    /// member a new code name and signing key; each remaining member takes a new one on its next sync,
    /// and this member's other cells of the layer are told which names to stop trusting. It cannot be undone.
    /// </summary>
    /// <exception cref="UnknownMemberException">A suspect is no member of the cell; nothing was changed.</exception>
    /// <exception cref="CellBusyException">Other members' commits kept winning; nothing was changed.</exception>
    public Task<BurnReport> BurnCellAsync(string cell, IReadOnlyList<string> suspects, CancellationToken cancellationToken = default) => _cells.BurnAsync(cell, suspects, cancellationToken);

    /// <summary>The code names burns told this node to stop trusting (in a burned cell, or in another cell of its layer), oldest first.</summary>
    public IReadOnlyList<BurnedName> Burned => _cells.Burned();

    /// <summary>
    /// What this node sent that waits to be delivered: each cell's outbox (messages not yet seen in
    /// their drop, and those set aside after a refusal), Welcomes for contacts, and pairwise messages
    /// waiting for a contact's drop (docs/cells.md, docs/node.md). Read from the vault; nothing is sent.
    /// </summary>
    public IReadOnlyList<OutboxItem> Outbox => OutboxView.List(_node);

    /// <summary>Cells contacts invited this node to on relays none of its layers uses: the node has not connected to them.</summary>
    public IReadOnlyList<PendingCell> PendingCells => _cells.Pending();

    /// <summary>Joins a waiting cell (<see cref="PendingCells"/>), connecting to its relay; its layer is created. Returns the cell's name.</summary>
    /// <exception cref="UnknownCellException">No invitation waits under <paramref name="id"/>.</exception>
    /// <exception cref="NoKeyPackageException">The Welcome matched none of this node's KeyPackages; the invitation is dropped.</exception>
    public Task<string> JoinPendingCellAsync(string id, CancellationToken cancellationToken = default) => _cells.JoinPendingAsync(id, cancellationToken);

    /// <summary>Commits fresh keys for this member (post-compromise security: whoever copied its old keys cannot read what follows).</summary>
    /// <exception cref="CellBusyException">Other members' commits kept winning; nothing was changed.</exception>
    public Task RotateKeysAsync(string cell, CancellationToken cancellationToken = default) => _cells.RotateKeysAsync(cell, cancellationToken);

    /// <summary>Leaves a cell: tells the others (any of them removes this member with its next commit) and forgets the cell's secrets. The messages received stay in the inbox.</summary>
    public Task LeaveCellAsync(string cell, CancellationToken cancellationToken = default) => _cells.LeaveAsync(cell, cancellationToken);

    /// <summary>
    /// Sends a text to a cell; returns once the relay acknowledged it, with what the user should know,
    /// one sentence each: the cell reads its drop first, and may find that the relay deleted messages
    /// this node had not read, rejoin, or set aside a message the relay refused (docs/cells.md).
    /// </summary>
    /// <exception cref="MessageTooLargeException">The text does not fit one envelope; send it as a file.</exception>
    /// <exception cref="RelayUnreachableException">The relay stayed unreachable; the message stays in the cell's outbox and goes out with the next sync.</exception>
    public Task<IReadOnlyList<string>> SendAsync(string cell, string text, CancellationToken cancellationToken = default) => _messages.SendAsync(cell, text, cancellationToken);

    /// <summary>Sends a file to a cell in chunks of <see cref="FileChunkSize"/>, reporting the bytes sent so far; returns what the user should know, as <see cref="SendAsync"/>.</summary>
    public Task<IReadOnlyList<string>> SendFileAsync(string cell, string path, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
        => _messages.SendFileAsync(cell, path, progress, cancellationToken);

    /// <summary>
    /// Forwards a received message (or file) to another cell: the liaison's explicit act, the only
    /// way anything crosses from one layer to another. The receivers see it marked as forwarded
    /// from another layer (or cell), without its origin's names. Returns what the user should know, as <see cref="SendAsync"/>.
    /// </summary>
    /// <exception cref="UnknownMessageException">No received message has that id.</exception>
    public Task<IReadOnlyList<string>> ForwardAsync(string messageId, string toCell, CancellationToken cancellationToken = default) => _messages.ForwardAsync(messageId, toCell, cancellationToken);

    /// <summary>
    /// Delivers pending Welcomes, reads every contact's pairwise drop (introductions, Welcomes, new
    /// KeyPackages) and every cell's drop, and stores what arrived. A relay that cannot be reached
    /// is reported in <see cref="SyncResult"/> and skipped; the others are still synced.
    /// </summary>
    public async Task<SyncResult> SyncAsync(CancellationToken cancellationToken = default)
    {
        var result = await _sync.SyncAsync(cancellationToken).ConfigureAwait(false);
        _inbox.Expire();
        return result;
    }

    /// <summary>
    /// Sets how long every member keeps the cell's messages (docs/panic.md, "Disappearing messages"):
    /// sent to the cell, shown by <see cref="Cells"/>, and applied by each member at open, with every
    /// sync and before listing; <see cref="TimeSpan.Zero"/> turns it off. The latest setting of any
    /// member wins. Returns what the cell had to say meanwhile.
    /// </summary>
    /// <exception cref="UnknownCellException">No such cell.</exception>
    /// <exception cref="NotAMemberException">This node left the cell or was removed.</exception>
    public Task<IReadOnlyList<string>> SetRetentionAsync(string cell, TimeSpan retention, CancellationToken cancellationToken = default)
        => _messages.SetRetentionAsync(cell, retention, cancellationToken);

    /// <summary>
    /// Writes what waits in the outboxes of <paramref name="cell"/>, of the cells of <paramref name="layer"/>,
    /// or of every cell (both null), queued since <paramref name="since"/>, into a bundle sealed to the
    /// relays of their layers and to the cells' members (docs/bundles.md). Nothing leaves the outbox.
    /// </summary>
    /// <exception cref="NoRelayIdentityException">A layer with something waiting pins no relay identity key.</exception>
    /// <exception cref="Courier.Relay.Client.Bundles.BundleException">What waits does not fit one bundle.</exception>
    public Task<Bundles.BundleExport> ExportBundleAsync(string? cell = null, string? layer = null, DateTimeOffset? since = null, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
        => _bundles.ExportAsync(cell, layer, since, progress, cancellationToken);

    /// <summary>Reads what a bundle carries for this node's cells as if fetched from their drops, and returns what reached the inbox; importing it again adds nothing.</summary>
    /// <exception cref="Courier.Relay.Client.Bundles.BundleException">The bundle is refused (nothing for this node, altered, truncated); nothing was imported.</exception>
    public Task<IReadOnlyList<InboxMessage>> ImportBundleAsync(byte[] bundle, CancellationToken cancellationToken = default) => _bundles.ImportAsync(bundle, cancellationToken);

    /// <summary>The keys of this node's cells, held to test candidates (such as those extracted from images) with <see cref="Bundles.BundleRecognizer.RecognizesBundle"/>.</summary>
    public Task<Bundles.BundleRecognizer> BundleRecognizerAsync() => _bundles.RecognizerAsync();

    /// <summary>The digests of the cover images this node hid bundles in (docs/covers.md), none of which may be used again.</summary>
    public IReadOnlyList<byte[]> UsedCoverDigests() => Bundles.UsedCovers.All(_node.Vault);

    /// <summary>Remembers cover images as used, by their digests (32 bytes each).</summary>
    public void RememberUsedCovers(IEnumerable<byte[]> digests) => Bundles.UsedCovers.Remember(_node.Vault, digests);

    /// <summary>Accepts bulletins signed by <paramref name="key"/> (an Ed25519 public key) from now on, under <paramref name="name"/> (docs/bulletins.md).</summary>
    /// <exception cref="NameTakenException">The key, or another authority by that name, is followed already.</exception>
    public Bulletins.BulletinAuthority FollowAuthority(string name, ReadOnlySpan<byte> key) => _bulletins.Follow(name, key);

    /// <summary>The authorities this node follows, oldest first.</summary>
    public IReadOnlyList<Bulletins.BulletinAuthority> Authorities => _bulletins.Authorities();

    /// <summary>
    /// Accepts a bulletin file (from a bundle, a relay or a file carried by hand) that passes every check;
    /// the same bulletin again, by any path, is not stored twice (<c>New</c> false).
    /// </summary>
    /// <exception cref="BulletinRejectedException">Malformed, from an authority not followed, replayed older, altered or expired; nothing was stored.</exception>
    public (Bulletins.ReceivedBulletin Bulletin, bool New) AcceptBulletin(ReadOnlyMemory<byte> file) => _bulletins.Accept(file);

    /// <summary>The bulletins this node accepted, by authority and number.</summary>
    public IReadOnlyList<Bulletins.ReceivedBulletin> Bulletins => _bulletins.Bulletins();

    /// <summary>An accepted bulletin's file, by id or a unique prefix of at least 8 hex digits.</summary>
    /// <exception cref="UnknownBulletinException">None, or several, match.</exception>
    public byte[] BulletinFile(string id) => _bulletins.File(id);
    /// <summary>
    /// What a person holding this unlocked device learns from its vault: every code name it knows, layers
    /// and relays, cells and members, contacts and introducers, liaison links, bulletins, and the message
    /// history's size and time window, the reserve shares held (docs/exposure.md). Read from the vault; nothing is sent.
    /// </summary>
    public async Task<Exposure.ExposureReport> ReportExposureAsync() => _exposure.Report(await _reserves.ExposureAsync().ConfigureAwait(false));

    /// <summary>This node's analyst public key (32 bytes, made and kept in the vault on first use): members seal the maps they export to it.</summary>
    public byte[] AnalystKey() => _exposure.AnalystPublicKey();

    /// <summary>
    /// What this member knows of the organization (its cells with their layers and members, its contacts: code
    /// names and links only), sealed to the analyst's public key <paramref name="analystKey"/> (docs/exposure.md).
    /// Nothing is sent: the caller hands the bytes over as the member chooses.
    /// </summary>
    /// <exception cref="ArgumentException">The key is not an analyst key.</exception>
    public Task<byte[]> ExportMapAsync(byte[] analystKey) => _exposure.ExportMapAsync(analystKey);

    /// <summary>Merges maps sealed to this node's analyst key and says what follows if the members named by <paramref name="taken"/> are taken.</summary>
    /// <exception cref="MapRefusedException">A map is not sealed to this node's analyst key, or is altered or malformed.</exception>
    /// <exception cref="UnknownMemberException">A code name in <paramref name="taken"/> is in none of the maps.</exception>
    public Exposure.CascadeReport Cascade(IReadOnlyList<byte[]> maps, IReadOnlyList<string> taken) => _exposure.Cascade(maps, taken);

    /// <summary>
    /// Designates a reserve for <paramref name="layer"/> (docs/exposure.md, "The reserve cell"): what a
    /// successor needs to take the layer over (its name, relays and mix pins, and this node's organization
    /// map) is split k-of-n (<paramref name="threshold"/> of the <paramref name="members"/>) by Shamir's
    /// secret sharing, and each member, a contact, gets only its own share, sealed through the pairwise
    /// channel with it. <paramref name="cell"/> is the reserve cell those members share, where they activate.
    /// </summary>
    /// <exception cref="ReserveRefusedException">Fewer than 2 members, a threshold out of range, too much to carry, or this node left the cell; nothing was sent.</exception>
    /// <exception cref="UnknownCellException">No such cell.</exception>
    /// <exception cref="UnknownLayerException">No such layer.</exception>
    /// <exception cref="UnknownContactException">A member is not a contact.</exception>
    public Task<Reserve.ReserveDesignation> DesignateReserveAsync(string cell, string layer, int threshold, IReadOnlyList<string> members, CancellationToken cancellationToken = default)
        => _reserves.DesignateAsync(cell, layer, threshold, members, cancellationToken);

    /// <summary>
    /// Activates a reserve this node holds a share of (docs/exposure.md, "The reserve cell"): posts its share
    /// to the reserve cell (once), reads the shares other members posted and checks each against the
    /// commitment made at designation; with k of them, reconstructs and checks what the designator gave,
    /// creates the layer, and makes the new cell on its relays (the member of the lowest share at hand,
    /// adding the other activators) or joins it (the others, running activate again once it is made).
    /// </summary>
    /// <exception cref="UnknownReserveException">This node holds no share of that reserve.</exception>
    /// <exception cref="ShareRefusedException">Fewer than k valid shares are at hand (<c>too_few_shares</c>); this member's share is posted.</exception>
    /// <exception cref="ReserveRefusedException">This node left the reserve cell, or the shares combine to something other than what was designated.</exception>
    public Task<Reserve.ReserveActivation> ActivateReserveAsync(string id, CancellationToken cancellationToken = default) => _reserves.ActivateAsync(id, cancellationToken);

    /// <summary>The reserve shares this node holds (none of their secret), oldest first.</summary>
    public IReadOnlyList<Reserve.ReserveShareInfo> Reserves => _reserves.List();

    /// <summary>
    /// Creates an authority held by a council (docs/bulletins.md, "Councils"): a trusted dealer's FROST key
    /// (RFC 9591 Appendix C), <paramref name="threshold"/> of this node and <paramref name="members"/> (contacts
    /// in <paramref name="cell"/>, where the signing rounds run) to sign. This node keeps share 1, each member
    /// gets only its own through the pairwise channel, the whole key is wiped; returns notices for the user.
    /// </summary>
    /// <exception cref="CouncilRefusedException">Too few members, a threshold out of range, or this node left the cell; nothing was sent.</exception>
    /// <exception cref="NameTakenException">This node holds a share of another authority of that name.</exception>
    /// <exception cref="UnknownCellException">No such cell.</exception>
    /// <exception cref="UnknownContactException">A member is not a contact.</exception>
    public async Task<(Council.CouncilAuthority Authority, IReadOnlyList<string> Notices)> CreateAuthorityAsync(string name, string cell, int threshold, IReadOnlyList<string> members, CancellationToken cancellationToken = default)
        => await _council.CreateAsync(name, cell, threshold, members, cancellationToken).ConfigureAwait(false);

    /// <summary>The authorities this node holds a share of (none of their secret), oldest first.</summary>
    public IReadOnlyList<Council.CouncilAuthority> CouncilAuthorities => _council.List();

    /// <summary>
    /// Asks the council of <paramref name="authority"/> to sign <paramref name="content"/> as its next bulletin
    /// (docs/bulletins.md, "The signing protocol"): this node approves and posts the request; members approve
    /// with <see cref="ApproveSigningAsync"/>, syncs carry the two rounds, the result joins <see cref="Bulletins"/>.
    /// </summary>
    /// <exception cref="UnknownAuthorityException">This node holds no share of that authority.</exception>
    /// <exception cref="CouncilRefusedException">An expiry not in the future, a content or title too large, or this node left the council's cell; nothing was sent.</exception>
    public Task<Council.SigningRequestInfo> PublishBulletinAsync(string authority, ReadOnlyMemory<byte> content, string title, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
        => _council.PublishAsync(authority, content, title, expiresAt, cancellationToken);

    /// <summary>
    /// Approves a council member's signing request (id or a prefix of 8+ hex digits): stores round-one nonces
    /// and posts their commitments; this node's syncs then sign the package once.
    /// </summary>
    /// <exception cref="UnknownAuthorityException">No request, or several, waiting for approval match.</exception>
    /// <exception cref="CouncilRefusedException">This member approved a different bulletin of that number or a later one; nothing was sent.</exception>
    public Task ApproveSigningAsync(string id, CancellationToken cancellationToken = default) => _council.ApproveAsync(id, cancellationToken);

    /// <summary>The signing requests this node coordinates and those waiting for its approval.</summary>
    public IReadOnlyList<Council.SigningRequestInfo> SigningRequests => _council.Requests();

    /// <summary>The signed bulletin file of a completed request of this node, by request id or bulletin id (a prefix of at least 8 hex digits).</summary>
    /// <exception cref="UnknownAuthorityException">None, or several, match.</exception>
    public byte[] SignedBulletin(string id) => _council.SignedFile(id);

    /// <summary>Tests only: changes this node's signature shares before they are posted (a council member that cheats).</summary>
    internal Func<byte[], byte[]>? AlterSignatureShare { set => _council.AlterShare = value; }

    /// <summary>The messages received, oldest first; only the unread ones with <paramref name="unreadOnly"/>.</summary>
    public IReadOnlyList<InboxMessage> Inbox(bool unreadOnly = false) => _inbox.Inbox(unreadOnly);

    /// <summary>The messages received in <paramref name="cell"/>, oldest first; marks them read.</summary>
    public IReadOnlyList<InboxMessage> Read(string cell) => _inbox.Read(cell);

    /// <summary>Writes a received file to <paramref name="path"/> (which must not exist yet).</summary>
    public void SaveFile(string messageId, string path) => _inbox.SaveFile(messageId, path);

    /// <summary>Copies a received file into <paramref name="output"/>, writing nothing to disk; returns the file's name as its sender gave it.</summary>
    /// <exception cref="UnknownMessageException">No message has that id.</exception>
    public string CopyFile(string messageId, Stream output) => _inbox.CopyFile(messageId, output);

    /// <summary>Re-wraps the vault key under a new passphrase and, optionally, stronger Argon2id parameters.</summary>
    /// <exception cref="WrongPassphraseException">The current passphrase is wrong; nothing was changed.</exception>
    public void ChangePassphrase(ReadOnlySpan<char> current, ReadOnlySpan<char> next, VaultKdfParameters? kdf = null)
        => _node.Vault.ChangePassphrase(current, next, kdf);

    /// <summary>
    /// Sets a duress passphrase (docs/panic.md, "Duress"): it opens a second vault, empty at first,
    /// that the user prepares by opening it with that passphrase and using it as any node; a home
    /// with one cannot be told on disk from a home without. A duress vault set before is replaced
    /// (and what it held deleted). With <paramref name="wipeOnOpen"/>, opening the duress vault
    /// silently destroys this one first.
    /// </summary>
    /// <exception cref="WrongPassphraseException">The current passphrase is wrong; nothing was changed.</exception>
    /// <exception cref="ArgumentException">The duress passphrase is this vault's passphrase.</exception>
    public void SetDuress(ReadOnlySpan<char> current, ReadOnlySpan<char> duress, bool wipeOnOpen = false)
        => _node.Vault.SetDuress(current, duress, wipeOnOpen);

    /// <summary>Closes the vault, wipes open cells' secrets and releases the home directory.</summary>
    public void Dispose() => _node.Dispose();

    /// <summary>Cover loops that came back through the mix since the node opened (<see cref="NodeOptions.CoverRate"/>).</summary>
    public long CoverLoopsBack => _node.Cover?.LoopsBack ?? 0;

    /// <inheritdoc/>
    public override string ToString() => "CourierNode";

    /// <summary>Runs <paramref name="inspect"/> on a cell's open group (tests that look for its secrets at rest).</summary>
    internal Task<T> InspectCellAsync<T>(string cell, Func<Cell, T> inspect)
        => _node.Cells.RunAsync(_node.Cells.Find(cell), (open, _) => Task.FromResult(inspect(open)));

    /// <summary>Posts a share to its reserve cell as an activation would (tests that play a member posting a wrong share).</summary>
    internal Task PostReserveShareAsync(Reserve.ReserveShareMessage share) => _reserves.PostShareAsync(share);

    /// <summary>The stored record of a contact (tests; dispose it).</summary>
    internal ContactRecord FindRecord(string idOrName) => _node.Contacts.Find(idOrName);

    /// <summary>Sends any pairwise message to a contact through the pairwise outbox (tests that play a hostile or mistaken contact).</summary>
    internal async Task SendPairwiseAsync(string idOrName, Introductions.PairwiseMessageType type, byte[] body)
    {
        using var contact = _node.Contacts.Find(idOrName);
        await _node.Pairwise.SendAsync(_node.Relays.At(contact.Relay), contact, type, body, [], default).ConfigureAwait(false);
    }
}
