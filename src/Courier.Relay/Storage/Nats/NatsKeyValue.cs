using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using Courier.Relay.Client;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using NATS.Client.KeyValueStore;

namespace Courier.Relay.Storage.Nats;

/// <summary>
/// The store's replicated key-value buckets: each drop's read key and trimmed floor, nameplates
/// and the nonces of accepted signed requests.
/// </summary>
/// <remarks>
/// A bucket's direct gets may be answered by a replica that has not applied the latest write yet
/// (nats-server #6557: no read-after-write for direct gets): a drop created a moment before could
/// look missing to the append that follows. Every read of a drop's entry that finds nothing asks
/// the bucket's stream leader again (<see cref="DropEntryAsync"/>); the costlier leader read is
/// paid only on a miss.
/// </remarks>
internal sealed class NatsKeyValue(INatsKVStore drops, INatsJSStream dropsStream, INatsKVStore nameplates, INatsKVStore nonces, TimeProvider time)
{
    /// <summary>Replay-window parts this relay remembers as it last wrote them (each at most 4 KiB).</summary>
    private const int PartsCached = 4096;

    private readonly ConcurrentDictionary<string, (byte[] Part, ulong Revision)> _parts = new();

    /// <summary>The store's clock, in Unix milliseconds.</summary>
    public long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Creates a drop's entry (an empty <paramref name="key"/> for a nameplate's open drop); false when it exists.</summary>
    public async Task<bool> TryCreateDropAsync(DropName drop, ReadOnlyMemory<byte> key, CancellationToken cancellationToken)
    {
        var created = await drops.TryCreateAsync(drop.ToString(), Meta(key.Span, 0, Now()), cancellationToken: cancellationToken).ConfigureAwait(false);
        return created.Success;
    }

    /// <summary>A drop's read key (empty for an open drop) and the sequence number trimmed through, or null when there is no such drop.</summary>
    public async Task<(byte[] Key, long Floor)?> GetMetaAsync(DropName drop, CancellationToken cancellationToken)
    {
        return await DropEntryAsync(drop, cancellationToken).ConfigureAwait(false) is { } entry && ParseMeta(entry.Value) is var (key, floor, _) ? (key, floor) : null;
    }

    /// <summary>Raises a drop's floor to <paramref name="through"/>: it keeps the drop's numbering when every envelope is gone.</summary>
    public async Task RaiseFloorAsync(DropName drop, long through, CancellationToken cancellationToken)
    {
        for (int attempt = 0; attempt < 10; attempt++)
        {
            if (await DropEntryAsync(drop, cancellationToken).ConfigureAwait(false) is not { } entry)
            {
                break;
            }

            var (key, floor, used) = ParseMeta(entry.Value);
            if (floor >= through)
            {
                break;
            }

            var updated = await drops.TryUpdateAsync(drop.ToString(), Meta(key, through, used), entry.Revision, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (updated.Success)
            {
                break;
            }
        }
    }

    /// <summary>Records a use of a keyed drop now (compare-and-set on its entry); false when there is no such keyed drop.</summary>
    public async Task<bool> TouchAsync(DropName drop, CancellationToken cancellationToken)
    {
        for (int attempt = 0; attempt < 4; attempt++)
        {
            if (await DropEntryAsync(drop, cancellationToken).ConfigureAwait(false) is not { } entry || ParseMeta(entry.Value) is not { Key.Length: > 0 } meta)
            {
                return false;
            }

            var updated = await drops.TryUpdateAsync(drop.ToString(), Meta(meta.Key, meta.Floor, Now()), entry.Revision, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (updated.Success)
            {
                return true;
            }
        }

        // Others updated the entry meanwhile (touches, trims): it was in use just now.
        return true;
    }

    /// <summary>A drop's entry (its value and revision), or null when there is none, even on the bucket's stream leader.</summary>
    private async Task<(byte[] Value, ulong Revision)?> DropEntryAsync(DropName drop, CancellationToken cancellationToken)
    {
        var entry = await drops.TryGetEntryAsync<byte[]>(drop.ToString(), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (entry.Success)
        {
            return (entry.Value.Value ?? [], entry.Value.Revision);
        }

        try
        {
            var last = await dropsStream.GetAsync(new StreamMsgGetRequest { LastBySubj = $"$KV.{drops.Bucket}.{drop}" }, cancellationToken).ConfigureAwait(false);

            // A deletion leaves a marker without data (no drop's entry is empty).
            return last.Message.Data.Length > 0 ? (last.Message.Data.ToArray(), last.Message.Seq) : null;
        }
        catch (NatsJSApiException ex) when (ex.Error.ErrCode == JetStreamErrors.NoMessageFound || ex.Error.Code == 404)
        {
            return null;
        }
    }

    /// <summary>Deletes a drop's entry.</summary>
    public async Task PurgeDropAsync(DropName drop, CancellationToken cancellationToken)
        => await drops.PurgeAsync(drop.ToString(), cancellationToken: cancellationToken).ConfigureAwait(false);

    /// <summary>How many drops exist.</summary>
    public async Task<long> CountDropsAsync(CancellationToken cancellationToken)
    {
        var status = await drops.GetStatusAsync(cancellationToken).ConfigureAwait(false);
        return (long)status.Info.State.Messages;
    }

    /// <summary>Binds nameplate <paramref name="number"/> to <paramref name="nameplate"/> if it is unclaimed.</summary>
    public async Task<bool> TryCreateNameplateAsync(int number, NameplateState nameplate, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        var claim = await nameplates.TryCreateAsync(NameplateKey(number), Nameplate(nameplate, expires.ToUnixTimeMilliseconds()), cancellationToken: cancellationToken).ConfigureAwait(false);
        return claim.Success;
    }

    /// <summary>Rebinds nameplate <paramref name="number"/> to <paramref name="nameplate"/> if its claim has expired; returns what it was bound to, or null.</summary>
    public async Task<NameplateState?> TryTakeExpiredNameplateAsync(int number, NameplateState nameplate, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        string key = NameplateKey(number);
        var existing = await nameplates.TryGetEntryAsync<byte[]>(key, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (existing.Success && ParseNameplate(existing.Value.Value) is { } old
            && old.Expires <= Now()
            && (await nameplates.TryUpdateAsync(key, Nameplate(nameplate, expires.ToUnixTimeMilliseconds()), existing.Value.Revision, cancellationToken: cancellationToken).ConfigureAwait(false)).Success)
        {
            return old.State;
        }

        return null;
    }

    /// <summary>Nameplate <paramref name="number"/> and when its claim expires (Unix milliseconds), live or not; null when unclaimed.</summary>
    public async Task<(NameplateState State, long Expires)?> GetNameplateAsync(int number, CancellationToken cancellationToken)
    {
        var entry = await nameplates.TryGetEntryAsync<byte[]>(NameplateKey(number), cancellationToken: cancellationToken).ConfigureAwait(false);
        return entry.Success ? ParseNameplate(entry.Value.Value) : null;
    }

    /// <summary>Sets the acceptor's claim of a live nameplate no one joined yet, or else marks it interfered (compare-and-set, so two relays cannot both let someone join).</summary>
    public async Task<JoinOutcome> TryJoinNameplateAsync(int number, ReadOnlyMemory<byte> acceptorClaim, CancellationToken cancellationToken)
    {
        string key = NameplateKey(number);
        for (int attempt = 0; attempt < 16; attempt++)
        {
            var entry = await nameplates.TryGetEntryAsync<byte[]>(key, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!entry.Success || ParseNameplate(entry.Value.Value) is not { } n || n.Expires <= Now())
            {
                return JoinOutcome.NoSuchNameplate;
            }

            bool taken = !n.State.AcceptorClaim.IsEmpty;
            if (taken && n.State.Interfered)
            {
                return JoinOutcome.Taken;
            }

            var updated = taken ? n.State with { Interfered = true } : n.State with { AcceptorClaim = acceptorClaim };
            if ((await nameplates.TryUpdateAsync(key, Nameplate(updated, n.Expires), entry.Value.Revision, cancellationToken: cancellationToken).ConfigureAwait(false)).Success)
            {
                return taken ? JoinOutcome.Taken : JoinOutcome.Joined;
            }
        }

        // Lost every race: others are joining this nameplate right now.
        return JoinOutcome.Taken;
    }

    /// <summary>Deletes nameplate <paramref name="number"/>'s claim.</summary>
    public async Task PurgeNameplateAsync(int number, CancellationToken cancellationToken)
        => await nameplates.PurgeAsync(NameplateKey(number), cancellationToken: cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Adds a nonce to the drop's window of timestamp second <paramref name="second"/> (one key per
    /// drop, second and part, updated with compare-and-set, so any relay sees what the others accepted).
    /// </summary>
    /// <remarks>
    /// One request in the usual case: the part as this relay last wrote it is the guess, and the
    /// write is conditional on it (create when there is no guess, else update at its revision). Parts
    /// only grow while their second can be signed with, so a nonce in the guess is a replay and a
    /// full guess is a full part; a write that finds the guess outdated reads the part and tries again.
    /// </remarks>
    public async Task<NonceOutcome> TryRememberNonceAsync(DropName drop, long second, ReadOnlyMemory<byte> nonce, CancellationToken cancellationToken)
    {
        // The bucket's max age (5 min) outlives every freshness window.
        string key = ReplayWindow.Key(drop, second, nonce.Span);
        (byte[] Part, ulong Revision)? guess = _parts.TryGetValue(key, out var cached) ? cached : null;
        for (int attempt = 0; attempt < 16; attempt++)
        {
            var outcome = ReplayWindow.TryAdd(guess?.Part ?? [], nonce.Span, out var updated);
            if (outcome != NonceOutcome.Remembered)
            {
                return outcome;
            }

            var written = guess is { } g
                ? await nonces.TryUpdateAsync(key, updated, g.Revision, cancellationToken: cancellationToken).ConfigureAwait(false)
                : await nonces.TryCreateAsync(key, updated, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (written.Success)
            {
                BoundedCache.Remember(_parts, key, (updated, written.Value), PartsCached);
                return NonceOutcome.Remembered;
            }

            var entry = await nonces.TryGetEntryAsync<byte[]>(key, cancellationToken: cancellationToken).ConfigureAwait(false);
            guess = entry.Success ? (entry.Value.Value ?? [], entry.Value.Revision) : null;
        }

        // Lost every race with other requests for this drop and second: only its own key holders contend here.
        return NonceOutcome.Busy;
    }

    // key (32, or none for an open drop) | floor (8) | last use, Unix ms (8). Entries written before
    // uses were recorded lack the last 8 bytes (key | floor); their use reads as 0, unknown.
    private static byte[] Meta(ReadOnlySpan<byte> key, long floor, long used)
    {
        var value = new byte[key.Length + 16];
        key.CopyTo(value);
        BinaryPrimitives.WriteInt64BigEndian(value.AsSpan(key.Length), floor);
        BinaryPrimitives.WriteInt64BigEndian(value.AsSpan(key.Length + 8), used);
        return value;
    }

    /// <summary>A drops-bucket value as (read key, floor, last use in Unix ms or 0 when not recorded).</summary>
    internal static (byte[] Key, long Floor, long Used) ParseMeta(ReadOnlySpan<byte> value)
    {
        if (value.Length % 32 == 16)
        {
            return (value[..^16].ToArray(), BinaryPrimitives.ReadInt64BigEndian(value[^16..]), BinaryPrimitives.ReadInt64BigEndian(value[^8..]));
        }

        return value.Length >= 8 ? (value[..^8].ToArray(), BinaryPrimitives.ReadInt64BigEndian(value[^8..]), 0) : ([], 0, 0);
    }

    private static string NameplateKey(int number) => number.ToString(CultureInfo.InvariantCulture);

    // slot A (32) | slot B (32) | SHA-256 of A's claim (32) | of B's claim (32, zeros until joined) | expires (8) | interfered (1)
    private const int NameplateSize = (4 * 32) + 8 + 1;

    private static byte[] Nameplate(NameplateState nameplate, long expires)
    {
        var value = new byte[NameplateSize];
        nameplate.InviterSlot.Bytes.CopyTo(value);
        nameplate.AcceptorSlot.Bytes.CopyTo(value.AsSpan(32));
        nameplate.InviterClaim.Span.CopyTo(value.AsSpan(64, 32));
        nameplate.AcceptorClaim.Span.CopyTo(value.AsSpan(96, 32));
        BinaryPrimitives.WriteInt64BigEndian(value.AsSpan(128), expires);
        value[136] = nameplate.Interfered ? (byte)1 : (byte)0;
        return value;
    }

    private static (NameplateState State, long Expires)? ParseNameplate(byte[]? value)
    {
        if (value is not { Length: NameplateSize })
        {
            return null;
        }

        byte[] acceptorClaim = value.AsSpan(96, 32).IndexOfAnyExcept((byte)0) < 0 ? [] : value[96..128];
        var state = new NameplateState(DropName.FromBytes(value.AsSpan(0, 32)), DropName.FromBytes(value.AsSpan(32, 32)), value[64..96], acceptorClaim, value[136] != 0);
        return (state, BinaryPrimitives.ReadInt64BigEndian(value.AsSpan(128)));
    }
}
