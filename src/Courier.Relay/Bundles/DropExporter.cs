using Courier.Relay.Client;
using Courier.Relay.Client.Bundles;
using Courier.Relay.Storage;

namespace Courier.Relay.Bundles;

/// <summary>What <see cref="DropExporter.ExportAsync"/> wrote.</summary>
/// <param name="Bundle">The bundle, of one of <see cref="BundleFormat.Sizes"/>.</param>
/// <param name="Envelopes">How many envelopes it carries, over all the drops.</param>
public sealed record DropExport(byte[] Bundle, int Envelopes);

/// <summary>
/// A relay's export of chosen drops into a bundle (docs/bundles.md, "A relay's export"): each drop in
/// a section of its own, with the keys it was created with and its envelopes in order under the
/// message ids they were appended with, sealed to the relays named and to the drop's readers (by its
/// read key, whose seed only the members of the drop's epoch hold). It only reads the store.
/// </summary>
public static class DropExporter
{
    /// <summary>Reads <paramref name="drops"/> from <paramref name="store"/> and seals them to the relays of <paramref name="relays"/> (their identity keys) and to each drop's readers.</summary>
    /// <exception cref="ArgumentException">A drop is not in the store, is not write-authorized (a nameplate's), or holds nothing; or a relay key is not an Ed25519 key.</exception>
    /// <exception cref="InvalidOperationException">The store does not read back message ids (NATS).</exception>
    /// <exception cref="BundleException"><see cref="BundleRefusal.TooLarge"/>: the drops do not fit one bundle.</exception>
    public static async Task<DropExport> ExportAsync(IDropStore store, IReadOnlyList<DropName> drops, IReadOnlyList<byte[]> relays, long createdAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(drops);
        var recipients = new List<BundleRecipient>();
        try
        {
            var targets = relays.Select(k => BundleRecipient.Relay(k)).ToList();
            recipients.AddRange(targets);
            var sections = new List<BundleSection>();
            long bytes = 0;
            // A drop is named by its place among those given: its name is linkable, kept out of messages.
            foreach (var (drop, place) in drops.Distinct().Select((d, i) => (d, i + 1)))
            {
                var keys = await store.GetDropKeysAsync(drop, cancellationToken).ConfigureAwait(false)
                    ?? throw new ArgumentException($"Drop {place} of those given is not in this relay's store (never created here, or deleted as idle).", nameof(drops));
                if (keys.Length != DropState.WriteAuthorizedKeysSize)
                {
                    throw new ArgumentException($"Drop {place} of those given is not write-authorized (a nameplate's, or created by an old client): only a cell's drop is exported.", nameof(drops));
                }

                var entries = await EntriesAsync(store, drop, BundleFormat.Sizes[^1] - bytes, cancellationToken).ConfigureAwait(false);
                bytes += entries.Sum(e => (long)e.Envelope.Length);
                if (entries.Count == 0)
                {
                    throw new ArgumentException($"Drop {place} of those given holds no envelope: nothing of it to export.", nameof(drops));
                }

                var readers = BundleRecipient.DropReaders(keys.Span[..32]);
                recipients.Add(readers);
                sections.Add(new BundleSection([.. targets, readers], entries) { DropKeys = keys.ToArray() });
            }

            return new DropExport(BundleWriter.Write(sections, createdAt), sections.Sum(s => s.Entries.Count));
        }
        finally
        {
            recipients.ForEach(r => r.Dispose());
        }
    }

    /// <summary>The drop's envelopes in order; refused once they pass <paramref name="room"/> bytes (a drop may hold far more than a bundle: it is not read whole first).</summary>
    private static async Task<List<BundleEntry>> EntriesAsync(IDropStore store, DropName drop, long room, CancellationToken cancellationToken)
    {
        var entries = new List<BundleEntry>();
        long after = 0;
        while (true)
        {
            var page = await store.ReadAsync(drop, after, 256, 1024 * 1024, cancellationToken).ConfigureAwait(false);
            if (page.Count == 0)
            {
                return entries;
            }

            foreach (var envelope in page)
            {
                var id = envelope.Id ?? throw new InvalidOperationException("This store does not read back the message ids of its envelopes (NATS): export from a relay on SQLite.");
                entries.Add(new BundleEntry(drop, id, envelope.Data, []) { Seq = envelope.Seq });
                room -= envelope.Data.Length;
            }

            if (room < 0)
            {
                throw new BundleException(BundleRefusal.TooLarge, $"The chosen drops hold more than the largest bundle ({BundleFormat.Sizes[^1] / (1024 * 1024)} MiB): export fewer drops at a time.");
            }

            after = page[^1].Seq;
        }
    }
}
