using Courier.Mls.Crypto;
using Courier.Node.Relay;

namespace Courier.Node;

/// <summary>Settings of a <see cref="CourierNode"/>. The defaults suit real use; tests shorten the waits and cheapen the key stretching.</summary>
public sealed class NodeOptions
{
    /// <summary>Options with the defaults.</summary>
    public NodeOptions() => Relays = address => new HttpRelay(address, AllowInsecureHttp, Bind);

    /// <summary>The clock (KeyPackage lifetimes, timeouts, introduction expiry).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Argon2id parameters for a new vault (an existing vault keeps those in its header).</summary>
    public VaultKdfParameters Kdf { get; init; } = VaultKdfParameters.Default;

    /// <summary>How long one side of a first contact waits for the other: the relay's nameplate lifetime, 10 minutes.</summary>
    public TimeSpan FirstContactTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How many MLS KeyPackages each side gives a new contact (at most 4, so that first contact fits a 4 KiB envelope).</summary>
    public int KeyPackagesPerContact { get; init; } = 3;

    /// <summary>
    /// The MLS ciphersuite of the node's KeyPackages, and so of the cells it creates: suite 1
    /// (MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519) or the post-quantum hybrid 0x0054
    /// (MLS_256_XWING_CHACHA20POLY1305_SHA512_Ed25519; docs/cells.md, "Post-quantum cells"). An
    /// X-Wing KeyPackage is about 2.7 KB, so a first contact's 4 KiB envelope holds one:
    /// <see cref="KeyPackagesPerContact"/> must then be at most 1. A layer that requires post-quantum
    /// cells overrides it: its cells, and the KeyPackages given to contacts on its relays, are of 0x0054
    /// (one per first contact).
    /// </summary>
    public CipherSuiteId CipherSuite { get; init; } = CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;

    /// <summary>How long those KeyPackages stay valid.</summary>
    public TimeSpan KeyPackageLifetime { get; init; } = TimeSpan.FromDays(90);

    /// <summary>How long an introduction may wait for the introduced party's answer.</summary>
    public TimeSpan IntroductionLifetime { get; init; } = TimeSpan.FromDays(7);

    /// <summary>How long a cell keeps retrying an unreachable relay before the operation fails (what was sent stays in the outbox).</summary>
    public TimeSpan RelayRetry { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often a member makes sure its cells' rejoin drops still hold the current GroupInfo, and
    /// republishes it when the relay's retention deleted it (docs/cells.md, "Falling behind and
    /// rejoining"); well below the relays' retention period.
    /// </summary>
    public TimeSpan RejoinCheck { get; init; } = TimeSpan.FromDays(1);

    /// <summary>
    /// How long the vault's write-ahead log may keep the old images of records replaced within a
    /// cell's epoch (its ratchet generations, its read position, settled outbox entries) before a
    /// checkpoint removes them; an epoch's end, anything else replaced or deleted, and closing the
    /// node remove them at the end of the operation. Zero removes them after every operation, at
    /// the cost of a checkpoint (three more fsyncs) per message sent (docs/node.md, "What the vault
    /// leaves on disk").
    /// </summary>
    public TimeSpan WithinEpochScrubDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How the node reaches the relay at an address: the one place where relays come from, so tests
    /// (an in-memory relay) and other transports substitute it. By default, <see cref="HttpRelay"/>.
    /// Relays that are <see cref="IDisposable"/> are disposed with the node.
    /// </summary>
    public Func<Uri, IRelay> Relays { get; init; }

    /// <summary>
    /// Lets the default <see cref="Relays"/> use plain <c>http://</c> addresses of other machines (by
    /// default only loopback ones; others are refused with <see cref="InsecureRelayAddressException"/>).
    /// </summary>
    public bool AllowInsecureHttp { get; init; }

    /// <summary>
    /// The local address the default <see cref="Relays"/> connect from (null: the system's choice);
    /// tests give each node its own loopback address, 127.0.0.N, to see who talks to whom.
    /// </summary>
    public System.Net.IPAddress? Bind { get; init; }

    /// <summary>
    /// How drop requests travel to a relay of a layer with three or more relays, each with a pinned mix
    /// identity key: <see cref="RelayRoute.Mix"/> (the default) through the layer's relays as Sphinx
    /// packets (docs/mixnet.md), or <see cref="RelayRoute.Direct"/>. Other relays are always direct.
    /// </summary>
    public RelayRoute Route { get; init; } = RelayRoute.Mix;

    /// <summary>The mean of each hop's exponential delay chosen for mixed packets (Loopix); zero for none.</summary>
    public TimeSpan MixDelay { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How long after its wait a request through the mix waits for its reply before it is sent again on another path.</summary>
    public TimeSpan MixReplyTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Cover packets per second while the node is open, through its layers reached through the mix
    /// (half loops, half drop packets; docs/mixnet.md); zero (the default of the library) for none.
    /// </summary>
    public double CoverRate { get; init; }

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Time);
        ArgumentNullException.ThrowIfNull(Kdf);
        ArgumentNullException.ThrowIfNull(Relays);
        ArgumentOutOfRangeException.ThrowIfLessThan(WithinEpochScrubDelay, TimeSpan.Zero);
        if (CoverRate is < 0 or > 1000 || double.IsNaN(CoverRate) || MixDelay < TimeSpan.Zero || MixDelay > TimeSpan.FromSeconds(5) || MixReplyTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(CoverRate), "Cover traffic is 0 to 1000 packets per second; a mix delay's mean 0 to 5 seconds; the reply timeout positive.");
        }

        if (KeyPackagesPerContact is < 0 or > Contacts.ContactOffer.MaxKeyPackages)
        {
            throw new ArgumentOutOfRangeException(nameof(KeyPackagesPerContact), $"Between 0 and {Contacts.ContactOffer.MaxKeyPackages} KeyPackages per contact.");
        }

        if (CipherSuite is not (CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519 or Contacts.PairwiseIdentity.PostQuantumSuite))
        {
            throw new ArgumentOutOfRangeException(nameof(CipherSuite), "The node's ciphersuite is 1 or 0x0054 (X-Wing).");
        }

        if (CipherSuite == Contacts.PairwiseIdentity.PostQuantumSuite && KeyPackagesPerContact > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(KeyPackagesPerContact), "A first contact's envelope holds one X-Wing KeyPackage: at most 1 per contact with ciphersuite 0x0054.");
        }

        if (FirstContactTimeout <= TimeSpan.Zero || RelayRetry <= TimeSpan.Zero || IntroductionLifetime <= TimeSpan.Zero || KeyPackageLifetime <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(FirstContactTimeout), "Timeouts and lifetimes must be positive.");
        }
    }
}

/// <summary>How a node reaches the relays of a layer (<see cref="NodeOptions.Route"/>).</summary>
public enum RelayRoute
{
    /// <summary>Drop requests as Sphinx packets through three relays of the layer.</summary>
    Mix,

    /// <summary>Every request straight to the relay.</summary>
    Direct,
}
