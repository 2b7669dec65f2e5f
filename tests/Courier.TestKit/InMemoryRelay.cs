using System.Security.Cryptography;
using Courier.Node;
using Courier.Node.Relay;
using Courier.Relay.Client;

namespace Courier.TestKit;

/// <summary>
/// A relay in this process's memory with the contract of <see cref="IRelay"/>: two-sided nameplates
/// (the inviter's claim from allocation, the acceptor's from the first join, two envelopes per side,
/// each side reading the other's) for a few minutes, dead drops whose fetches are checked against the read key
/// and whose appends against the append key (the real relay checks signatures), a quota of
/// envelopes per drop, idempotent appends, the envelope sizes of <see cref="EnvelopeSizes"/>, and
/// long polls. Drops are never trimmed, as the real relay refuses to trim a write-authorized drop. For tests and single-process demos; it keeps a copy of every envelope it was given
/// (<see cref="Observed"/>), which is exactly what a relay operator would see.
/// </summary>
public sealed class InMemoryRelay : IRelay
{
    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly Dictionary<int, Rendezvous> _nameplates = [];
    private readonly HashSet<int> _released = [];
    private readonly Dictionary<string, Mailbox> _drops = [];
    private readonly List<byte[]> _observed = [];
    private readonly List<(DropName Drop, byte[] Envelope)> _appended = [];

    /// <summary>Creates an empty relay.</summary>
    /// <param name="address">The name contacts record for this relay.</param>
    /// <param name="time">The clock for nameplate expiry and long polls (the system clock by default).</param>
    public InMemoryRelay(string address = "http://in-memory.relay/", TimeProvider? time = null)
    {
        Address = address;
        _time = time ?? TimeProvider.System;
    }

    /// <inheritdoc/>
    public string Address { get; }

    /// <summary>How many envelopes each side of a nameplate may post (the relay's default is 2).</summary>
    public int NameplateEnvelopesPerSide { get; init; } = 2;

    /// <summary>How long an allocated nameplate lives.</summary>
    public TimeSpan NameplateLifetime { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How many envelopes a drop holds before appends are refused (the relay's <c>drop_full</c>; its default is 10,000).</summary>
    public int MaxEnvelopesPerDrop { get; init; } = 10_000;

    /// <summary>About the most envelope bytes one fetch returns, at least one envelope (a real relay's page: 1 MiB; through a mix: 64 KiB).</summary>
    public int MaxFetchBytes { get; init; } = 1024 * 1024;

    /// <summary>While true every call throws <see cref="RelayUnreachableException"/>, as a relay that is down would.</summary>
    public bool Unreachable { get; set; }

    /// <summary>Every envelope posted or appended so far, in order: what the relay's operator could see.</summary>
    public IReadOnlyList<byte[]> Observed
    {
        get
        {
            lock (_gate)
            {
                return _observed.Select(e => (byte[])e.Clone()).ToList();
            }
        }
    }

    /// <summary>How many times a drop was created (a repeated create of the same drop counts too): what the relay sees of who enters an epoch.</summary>
    public int DropCreations { get; private set; }

    /// <summary>What each dead drop holds now, one list per drop: what the relay's database would show.</summary>
    public IReadOnlyList<IReadOnlyList<byte[]>> DropContents
    {
        get
        {
            lock (_gate)
            {
                return _drops.Values.Select(m => (IReadOnlyList<byte[]>)m.Envelopes.Select(e => e.Data.ToArray()).ToList()).ToList();
            }
        }
    }

    /// <summary>Every envelope appended to a dead drop so far, with its drop, in order: what a relay that replays them would have.</summary>
    public IReadOnlyList<(DropName Drop, byte[] Envelope)> Appended
    {
        get
        {
            lock (_gate)
            {
                return _appended.Select(e => (e.Drop, (byte[])e.Envelope.Clone())).ToList();
            }
        }
    }

    /// <summary>True when <paramref name="nameplate"/> was released (burned) and can no longer be used.</summary>
    public bool IsReleased(int nameplate)
    {
        lock (_gate)
        {
            return _released.Contains(nameplate);
        }
    }

    /// <summary>True when someone joined <paramref name="nameplate"/> as its acceptor.</summary>
    public bool HasJoined(int nameplate)
    {
        lock (_gate)
        {
            return _nameplates.TryGetValue(nameplate, out var rendezvous) && rendezvous.AcceptorClaim is not null;
        }
    }

    /// <summary>The number of dead drops created so far.</summary>
    public int DropCount
    {
        get
        {
            lock (_gate)
            {
                return _drops.Count;
            }
        }
    }

    /// <inheritdoc/>
    public Task<NameplateClaim> AllocateNameplateAsync(CancellationToken cancellationToken)
    {
        Check(cancellationToken);
        lock (_gate)
        {
            for (var range = 999; ; range = range * 10 + 9)
            {
                for (var attempt = 0; attempt < 20; attempt++)
                {
                    var number = RandomNumberGenerator.GetInt32(1, Math.Min(range, 99_999) + 1);
                    if (!_nameplates.ContainsKey(number) && !_released.Contains(number))
                    {
                        var claim = NewClaim(number, isInviter: true);
                        _nameplates[number] = new Rendezvous(claim.Claim, _time.GetUtcNow() + NameplateLifetime);
                        return Task.FromResult(claim);
                    }
                }

                if (range >= 99_999)
                {
                    throw new RelayRejectedException("The relay has no free nameplate.", relayError: "nameplates_exhausted");
                }
            }
        }
    }

    /// <inheritdoc/>
    public Task<NameplateClaim> JoinNameplateAsync(int nameplate, CancellationToken cancellationToken)
    {
        Check(cancellationToken);
        lock (_gate)
        {
            var rendezvous = Live(nameplate);
            if (rendezvous.AcceptorClaim is not null)
            {
                rendezvous.Interfered = true;
                throw new InterferenceException($"Someone else joined nameplate {nameplate} first.");
            }

            var claim = NewClaim(nameplate, isInviter: false);
            rendezvous.AcceptorClaim = claim.Claim;
            return Task.FromResult(claim);
        }
    }

    /// <inheritdoc/>
    public Task<long> PostAsync(NameplateClaim nameplate, ReadOnlyMemory<byte> envelope, MessageId messageId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(nameplate);
        Check(cancellationToken);
        if (!EnvelopeSizes.IsAllowedOnNameplate(envelope.Length))
        {
            throw new RelayRejectedException("The relay refused an envelope of a size it does not store.", relayError: "bad_envelope_size");
        }

        lock (_gate)
        {
            var (own, _, _) = Side(nameplate);
            if (!own.Ids.ContainsKey(messageId) && own.Envelopes.Count >= NameplateEnvelopesPerSide)
            {
                throw new InvitationUnavailableException($"This side of nameplate {nameplate.Number} posted its messages already.");
            }

            return Task.FromResult(Append(own, envelope, messageId));
        }
    }

    /// <inheritdoc/>
    public async Task<NameplateFetchResult> ReadAsync(NameplateClaim nameplate, long after, TimeSpan wait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(nameplate);
        while (true)
        {
            Check(cancellationToken);
            Task signal;
            lock (_gate)
            {
                var (_, other, rendezvous) = Side(nameplate);
                var found = other.After(after);
                if (found.Count > 0 || wait <= TimeSpan.Zero)
                {
                    return new NameplateFetchResult(found, other.Last, rendezvous.Interfered);
                }

                signal = other.Signal.Task;
            }

            wait = await WaitAsync(signal, wait, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public Task ReleaseAsync(NameplateClaim nameplate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(nameplate);
        Check(cancellationToken);
        lock (_gate)
        {
            if (_nameplates.TryGetValue(nameplate.Number, out var rendezvous))
            {
                if (!nameplate.IsInviter || !Matches(rendezvous.InviterClaim, nameplate.Claim))
                {
                    throw new RelayRejectedException("Only the inviter's claim releases a nameplate.", relayError: "bad_claim");
                }

                _nameplates.Remove(nameplate.Number);
                _released.Add(nameplate.Number);
                rendezvous.Inviter.Wake();
                rendezvous.Acceptor.Wake();
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task CreateDropAsync(DropName name, DropReadKey readKey, DropAppendKey appendKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(readKey);
        ArgumentNullException.ThrowIfNull(appendKey);
        Check(cancellationToken);
        lock (_gate)
        {
            DropCreations++;
            var key = name.ToString();
            if (_drops.TryGetValue(key, out var existing))
            {
                if (!existing.ReadKey.AsSpan().SequenceEqual(readKey.PublicKey) || !existing.AppendKey.AsSpan().SequenceEqual(appendKey.PublicKey))
                {
                    throw new RelayRejectedException("The dead drop exists with other keys.", relayError: "drop_exists");
                }
            }
            else
            {
                _drops[key] = new Mailbox(readKey.PublicKey, appendKey.PublicKey);
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<long> AppendAsync(DropName name, DropAppendKey appendKey, ReadOnlyMemory<byte> envelope, MessageId messageId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(appendKey);
        Check(cancellationToken);
        if (!EnvelopeSizes.IsAllowed(envelope.Length))
        {
            throw new RelayRejectedException("The relay refused an envelope of a size it does not store.", relayError: "bad_envelope_size");
        }

        lock (_gate)
        {
            var mailbox = Drop(name);
            if (!CryptographicOperations.FixedTimeEquals(mailbox.AppendKey, appendKey.PublicKey))
            {
                throw new RelayRejectedException("The relay refused the request (401 bad_signature): the drop's append key did not sign it.", relayError: "bad_signature");
            }

            if (!mailbox.Ids.ContainsKey(messageId) && mailbox.Envelopes.Count >= MaxEnvelopesPerDrop)
            {
                throw new RelayRejectedException("The relay refused the request (409 drop_full).", relayError: "drop_full");
            }

            var seq = Append(mailbox, envelope, messageId);
            _appended.Add((name, envelope.ToArray()));
            return Task.FromResult(seq);
        }
    }

    /// <summary>
    /// Puts an envelope into a drop as the relay's operator can, straight into its store: no key, no
    /// quota. What the members read of it is what a hostile relay makes them read.
    /// </summary>
    public long Insert(DropName name, byte[] envelope)
    {
        lock (_gate)
        {
            return Append(Drop(name), envelope, MessageId.NewRandom());
        }
    }

    /// <inheritdoc/>
    public async Task<FetchResult> FetchAsync(DropName name, DropReadKey readKey, long after, TimeSpan wait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(readKey);
        while (true)
        {
            Check(cancellationToken);
            Task signal;
            lock (_gate)
            {
                var mailbox = Drop(name);
                Authorize(mailbox, readKey);
                if (after > mailbox.Last)
                {
                    throw new RelayRejectedException("The relay refused the request (400 out_of_range).", relayError: "out_of_range");
                }

                var found = Page(mailbox.After(after));
                if (found.Count > 0 || wait <= TimeSpan.Zero)
                {
                    return new FetchResult(found, mailbox.Last);
                }

                signal = mailbox.Signal.Task;
            }

            wait = await WaitAsync(signal, wait, cancellationToken).ConfigureAwait(false);
        }
    }

    private List<FetchedEnvelope> Page(IReadOnlyList<FetchedEnvelope> envelopes)
    {
        var page = new List<FetchedEnvelope>();
        var bytes = 0;
        foreach (var envelope in envelopes)
        {
            if (page.Count > 0 && bytes + envelope.Data.Length > MaxFetchBytes)
            {
                break;
            }

            page.Add(envelope);
            bytes += envelope.Data.Length;
        }

        return page;
    }

    /// <inheritdoc/>
    /// <summary>
    /// Deletes every envelope of every dead drop, as a relay's retention does to envelopes older
    /// than its retention period, read or not. With <paramref name="restartNumbering"/>, each drop
    /// left empty forgets its last sequence number, as the NATS store does (docs/relay-api.md,
    /// "Known limitations"): the next append is numbered 1 again.
    /// </summary>
    public void ExpireAll(bool restartNumbering = false)
    {
        lock (_gate)
        {
            foreach (var mailbox in _drops.Values)
            {
                mailbox.Envelopes.Clear();
                if (restartNumbering)
                {
                    mailbox.Last = 0;
                }
            }
        }
    }

    /// <summary>Forgets a dead drop, as a relay that lost its store would.</summary>
    public void Forget(DropName drop)
    {
        lock (_gate)
        {
            _drops.Remove(drop.ToString());
        }
    }

    /// <summary>Deletes every envelope of one dead drop, as retention would if only its envelopes were old enough.</summary>
    public void Expire(DropName drop)
    {
        lock (_gate)
        {
            Drop(drop).Envelopes.Clear();
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"InMemoryRelay({Address})";

    /// <summary>The real relay checks a signature by the read key (tested with the relay); here the key itself must match.</summary>
    private static void Authorize(Mailbox mailbox, DropReadKey readKey)
    {
        if (!CryptographicOperations.FixedTimeEquals(mailbox.ReadKey, readKey.PublicKey))
        {
            throw new RelayRejectedException("The dead drop's read key did not sign the request.", relayError: "bad_signature");
        }
    }

    private async Task<TimeSpan> WaitAsync(Task signal, TimeSpan wait, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(wait, _time, timeout.Token);
        await Task.WhenAny(signal, delay).ConfigureAwait(false);
        await timeout.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        var left = wait - _time.GetElapsedTime(started);

        // After a timeout, one last look without waiting.
        return left > TimeSpan.Zero && signal.IsCompleted ? left : TimeSpan.Zero;
    }

    private void Check(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (Unreachable)
        {
            throw new RelayUnreachableException($"The relay {Address} cannot be reached.");
        }
    }

    private static NameplateClaim NewClaim(int number, bool isInviter)
        => new(number, System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(NameplateClaim.Size)), isInviter);

    private static bool Matches(string? expected, string given)
        => expected is not null && CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(expected), System.Text.Encoding.ASCII.GetBytes(given));

    private Rendezvous Live(int nameplate)
    {
        if (!_nameplates.TryGetValue(nameplate, out var rendezvous) || rendezvous.ExpiresAt <= _time.GetUtcNow())
        {
            throw new InvitationUnavailableException($"Nameplate {nameplate} is unknown to the relay: it expired, was used or burned, or the number is wrong.");
        }

        return rendezvous;
    }

    /// <summary>The claim's own mailbox and the other side's; a claim the relay did not give is refused, as the relay answers 403.</summary>
    private (Mailbox Own, Mailbox Other, Rendezvous Rendezvous) Side(NameplateClaim claim)
    {
        var rendezvous = Live(claim.Number);
        if (Matches(rendezvous.InviterClaim, claim.Claim))
        {
            return (rendezvous.Inviter, rendezvous.Acceptor, rendezvous);
        }

        if (Matches(rendezvous.AcceptorClaim, claim.Claim))
        {
            return (rendezvous.Acceptor, rendezvous.Inviter, rendezvous);
        }

        throw new RelayRejectedException("The relay refused a claim that is not this nameplate's.", relayError: "bad_claim");
    }

    private Mailbox Drop(DropName name)
        => _drops.TryGetValue(name.ToString(), out var mailbox)
            ? mailbox
            : throw new RelayRejectedException("The relay has no such dead drop.", relayError: "no_such_drop");

    private long Append(Mailbox mailbox, ReadOnlyMemory<byte> envelope, MessageId messageId)
    {
        if (mailbox.Ids.TryGetValue(messageId, out var existing))
        {
            return existing;
        }

        var seq = ++mailbox.Last;
        var data = envelope.ToArray();
        mailbox.Envelopes.Add(new FetchedEnvelope(seq, data));
        mailbox.Ids[messageId] = seq;
        _observed.Add((byte[])data.Clone());
        mailbox.Wake();
        return seq;
    }

    /// <summary>A live nameplate: the inviter's and the acceptor's mailboxes and claims.</summary>
    private sealed class Rendezvous(string inviterClaim, DateTimeOffset expiresAt)
    {
        public string InviterClaim { get; } = inviterClaim;

        public string? AcceptorClaim { get; set; }

        public bool Interfered { get; set; }

        public DateTimeOffset ExpiresAt { get; } = expiresAt;

        public Mailbox Inviter { get; } = new(null, null);

        public Mailbox Acceptor { get; } = new(null, null);
    }

    private sealed class Mailbox(byte[]? readKey, byte[]? appendKey)
    {
        public byte[] ReadKey { get; } = readKey ?? [];

        public byte[] AppendKey { get; } = appendKey ?? [];

        public List<FetchedEnvelope> Envelopes { get; } = [];

        public Dictionary<MessageId, long> Ids { get; } = [];

        public long Last { get; set; }

        public TaskCompletionSource Signal { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IReadOnlyList<FetchedEnvelope> After(long after)
            => Envelopes.Where(e => e.Seq > after).Select(e => new FetchedEnvelope(e.Seq, (byte[])e.Data.Clone())).ToList();

        public void Wake()
        {
            Signal.TrySetResult();
            Signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }
}
