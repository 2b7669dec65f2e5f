using System.Security.Cryptography;
using Courier.Relay.Client;
using Courier.Relay.Client.Bundles;
using Courier.Relay.Storage;

namespace Courier.Relay.Bundles;

/// <summary>
/// Appends a bundle's envelopes for this relay to their drops (docs/bundles.md, "At a relay"). It
/// verifies everything first: the bundle (size, slot, whole-file MAC, every block) and every
/// entry's append authorization against its drop's append key; one failure refuses the whole bundle
/// before anything is written. Then each envelope is appended once: skipped when its drop already
/// holds the same bytes (whatever the store's message-id window), and appended under its message id
/// otherwise, so importing a bundle again, here or through another relay of a cluster, stores nothing.
/// </summary>
internal sealed class BundleImporter(IDropStore store, RelayOptions options)
{
    /// <summary>Imports <paramref name="bundle"/>, opened with <paramref name="key"/> (the relay's identity).</summary>
    /// <exception cref="BundleException">The bundle was refused; nothing was appended.</exception>
    public async Task<BundleImportResult> ImportAsync(byte[] bundle, BundleKey key, CancellationToken cancellationToken)
    {
        var entries = BundleReader.Open(bundle, [key]).SelectMany(s => s.Entries).ToList();
        var keys = new Dictionary<DropName, ReadOnlyMemory<byte>>();
        foreach (var drop in entries.Select(e => e.Drop).Distinct())
        {
            if (await store.GetDropKeysAsync(drop, cancellationToken).ConfigureAwait(false) is { } found)
            {
                keys[drop] = found;
            }
        }

        // Drops created without an append key take no bundle: nothing could say who wrote it.
        if (entries.Any(e => keys.TryGetValue(e.Drop, out var k) && !e.IsAuthorizedBy(DropState.AppendKeyOf(k).Span)))
        {
            throw new BundleException(BundleRefusal.Unauthorized, "An envelope in the bundle is not signed with its drop's append key: it was forged or altered by someone who could open the bundle. Nothing was imported.");
        }

        var held = new Dictionary<DropName, HashSet<string>>();
        foreach (var drop in keys.Keys)
        {
            held[drop] = await DigestsAsync(drop, cancellationToken).ConfigureAwait(false);
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
