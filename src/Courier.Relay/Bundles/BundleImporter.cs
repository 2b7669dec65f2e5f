using System.Security.Cryptography;
using Courier.Relay.Client;
using Courier.Relay.Client.Bundles;
using Courier.Relay.Storage;

namespace Courier.Relay.Bundles;

/// <summary>
/// Appends a bundle's envelopes for this relay to their drops (docs/bundles.md, "At a relay"). It
/// verifies everything first: the bundle (size, slot, whole-file MAC, every block), every carried
/// entry's append authorization against its drop's append key, and every drop another relay exported
/// (created here with the keys it carries when this relay lacks it; otherwise the same keys, and
/// nothing this relay does not hold already, since a relay's export carries no append authorization);
/// one failure refuses the whole bundle before anything is written. Then each envelope is appended
/// once: skipped when its drop already holds the same bytes (whatever the store's message-id window),
/// and appended under its message id otherwise, so importing a bundle again, here or through another
/// relay of a cluster, stores nothing.
/// </summary>
internal sealed class BundleImporter(IDropStore store, RelayOptions options)
{
    /// <summary>Imports <paramref name="bundle"/>, opened with <paramref name="key"/> (the relay's identity).</summary>
    /// <exception cref="BundleException">The bundle was refused; nothing was appended.</exception>
    public async Task<BundleImportResult> ImportAsync(byte[] bundle, BundleKey key, CancellationToken cancellationToken)
    {
        var sections = BundleReader.Open(bundle, [key]);
        CheckTime(sections);
        var entries = sections.SelectMany(s => s.Entries).ToList();
        var keys = new Dictionary<DropName, ReadOnlyMemory<byte>>();
        var held = new Dictionary<DropName, HashSet<string>>();
        foreach (var drop in entries.Select(e => e.Drop).Distinct())
        {
            if (await store.GetDropKeysAsync(drop, cancellationToken).ConfigureAwait(false) is { } found)
            {
                keys[drop] = found;
                held[drop] = await DigestsAsync(drop, cancellationToken).ConfigureAwait(false);
            }
        }

        var create = new List<OpenedSection>();
        var exports = sections.Where(s => s.DropKeys is not null).ToList();
        if (exports.DistinctBy(s => s.Entries[0].Drop).Count() != exports.Count)
        {
            throw ExportRefused("appears twice");
        }

        foreach (var exported in exports)
        {
            var drop = exported.Entries[0].Drop;
            if (!keys.TryGetValue(drop, out var k))
            {
                create.Add(IsWriteAuthorized(exported.DropKeys!) ? exported : throw ExportRefused("carries keys that are not two Ed25519 public keys"));
            }
            else if (!k.Span.SequenceEqual(exported.DropKeys!) || exported.Entries.Any(e => !held[drop].Contains(Digest(e.Envelope))))
            {
                throw ExportRefused("is one this relay already has, and only the drop's writers may append to it (a relay's export carries no append authorization)");
            }
        }

        // Drops created without an append key take no bundle: nothing could say who wrote it.
        var created = create.ToDictionary(s => s.Entries[0].Drop, s => (ReadOnlyMemory<byte>)s.DropKeys!);
        if (sections.Where(s => s.DropKeys is null).SelectMany(s => s.Entries).Any(e => (keys.TryGetValue(e.Drop, out var k) || created.TryGetValue(e.Drop, out k)) && !e.IsAuthorizedBy(DropState.AppendKeyOf(k).Span)))
        {
            throw new BundleException(BundleRefusal.Unauthorized, "An envelope in the bundle is not signed with its drop's append key: it was forged or altered by someone who could open the bundle. Nothing was imported.");
        }

        foreach (var exported in create)
        {
            var drop = exported.Entries[0].Drop;
            var outcome = await store.CreateDropAsync(drop, exported.DropKeys!, cancellationToken).ConfigureAwait(false);
            if (outcome != CreateDropOutcome.Conflict)
            {
                keys[drop] = exported.DropKeys!;
                held[drop] = outcome == CreateDropOutcome.Created ? [] : await DigestsAsync(drop, cancellationToken).ConfigureAwait(false);
            }
        }

        var (appended, duplicates, unknown, full) = (0, 0, 0, 0);
        foreach (var entry in entries)
        {
            if (!held.TryGetValue(entry.Drop, out var digests))
            {
                unknown++;
                continue;
            }

            if (!digests.Add(Digest(entry.Envelope)))
            {
                duplicates++;
                continue;
            }

            var outcome = await store.AppendAsync(entry.Drop, entry.Id, entry.Envelope, options.MaxEnvelopesPerDrop, cancellationToken).ConfigureAwait(false);
            switch (outcome.Status)
            {
                case AppendStatus.Appended: appended++; break;
                case AppendStatus.Duplicate: duplicates++; break;
                case AppendStatus.NoSuchDrop: unknown++; break;
                default: full++; break;
            }
        }

        foreach (var drop in keys.Keys)
        {
            await store.TouchDropAsync(drop, cancellationToken).ConfigureAwait(false);
        }

        return new BundleImportResult(appended, duplicates, unknown, full);
    }

    /// <summary>Refuses a bundle made longer ago than the relay keeps envelopes, or later than now, each by more than the clock skew allowed.</summary>
    private void CheckTime(IReadOnlyList<OpenedSection> sections)
    {
        var now = options.Time.GetUtcNow().ToUnixTimeSeconds();
        var skew = (long)BundleFormat.MaxClockSkew.TotalSeconds;
        if (sections.Any(s => s.CreatedAt > now + skew))
        {
            throw new BundleException(BundleRefusal.FromTheFuture, $"The bundle says it was made more than {BundleFormat.MaxClockSkew.TotalMinutes:0} minutes from now: its writer's clock is wrong. Nothing was imported.");
        }

        if (sections.Any(s => s.CreatedAt < now - (long)options.BundleMaxAge.TotalSeconds - skew))
        {
            throw new BundleException(BundleRefusal.Expired, $"The bundle was made more than {options.BundleMaxAge.TotalDays:0.#} days ago, longer than this relay keeps messages: it is refused, so that a replay stores nothing again. Nothing was imported.");
        }
    }

    private static bool IsWriteAuthorized(byte[] keys)
        => keys.Length == DropState.WriteAuthorizedKeysSize && RequestSignature.IsValidPublicKey(keys.AsSpan(0, 32)) && RequestSignature.IsValidPublicKey(keys.AsSpan(32));

    private static BundleException ExportRefused(string why)
        => new(BundleRefusal.Unauthorized, $"A drop another relay exported into the bundle {why}. Nothing was imported.");

    private static string Digest(byte[] envelope) => Convert.ToBase64String(SHA256.HashData(envelope));

    /// <summary>The digests of what the drop holds: a drop holds at most its quota of envelopes, read a page at a time.</summary>
    private async Task<HashSet<string>> DigestsAsync(DropName drop, CancellationToken cancellationToken)
    {
        var digests = new HashSet<string>(StringComparer.Ordinal);
        long after = 0;
        while (true)
        {
            var page = await store.ReadAsync(drop, after, options.MaxFetchEnvelopes, options.MaxFetchBytes, cancellationToken).ConfigureAwait(false);
            if (page.Count == 0)
            {
                return digests;
            }

            foreach (var envelope in page)
            {
                digests.Add(Digest(envelope.Data));
            }

            after = page[^1].Seq;
        }
    }
}
