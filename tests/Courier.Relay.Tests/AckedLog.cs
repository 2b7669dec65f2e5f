using System.Buffers.Binary;
using System.Collections.Concurrent;
using Courier.Relay.Client;

namespace Courier.Relay.Tests;

/// <summary>
/// The durability check of the crash and cluster tests: a drop's log, fetched after the faults,
/// holds every acknowledged envelope exactly once at its acknowledged sequence number, with no gap,
/// and each writer's envelopes in the order it appended them. An envelope's first 8 bytes are
/// (writer, counter).
/// </summary>
internal static class AckedLog
{
    public static void AssertExactlyOnceInOrder(IReadOnlyList<FetchedEnvelope> all, ConcurrentDictionary<(int Drop, long Seq), (int Writer, int Counter)> acked, int drop, int[] counts)
    {
        Assert.Equal(Enumerable.Range(1, all.Count).Select(i => (long)i), all.Select(e => e.Seq));
        var stored = all.Select(e => (Writer: BinaryPrimitives.ReadInt32BigEndian(e.Data), Counter: BinaryPrimitives.ReadInt32BigEndian(e.Data.AsSpan(4)))).ToList();
        Assert.Equal(stored.Count, stored.Distinct().Count());
        var ackedHere = acked.Where(a => a.Key.Drop == drop).ToList();
        Assert.Equal(ackedHere.Count, all.Count);
        foreach (var ((_, seq), value) in ackedHere)
        {
            Assert.Equal(value, stored[(int)seq - 1]);
        }

        // Each writer appended one at a time, so its envelopes appear in its own order.
        foreach (var group in stored.GroupBy(s => s.Writer))
        {
            Assert.Equal(Enumerable.Range(0, counts[group.Key]), group.Select(g => g.Counter));
        }
    }
}
