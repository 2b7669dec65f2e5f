using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Courier.Relay.Client;

namespace Courier.Relay.Load;

/// <summary>
/// Hash flooding (issue 13, must-hold 4): drop names and message ids are chosen by clients and key
/// the relay's dictionaries, so names that share a prefix must cost no more per operation than
/// random ones. Times inserts and look-ups of 100,000 keys in a Dictionary and a
/// ConcurrentDictionary, random against sharing their first 8 bytes.
/// </summary>
internal static class HashFlood
{
    private const int Rounds = 5;

    public static IEnumerable<JsonObject> Run(int count)
    {
        var random = Names(count, shared: 0);
        var prefixed = Names(count, shared: 8);
        var ids = Ids(count, shared: 0);
        var prefixedIds = Ids(count, shared: 8);
        foreach (var (what, randomNs, prefixedNs) in new[]
                 {
                     ("drop_name_dictionary", Best(() => DictionaryNs(random)), Best(() => DictionaryNs(prefixed))),
                     ("drop_name_concurrent_dictionary", Best(() => ConcurrentNs(random)), Best(() => ConcurrentNs(prefixed))),
                     ("message_id_dictionary", Best(() => DictionaryNs(ids)), Best(() => DictionaryNs(prefixedIds))),
                 })
        {
            yield return new JsonObject
            {
                ["what"] = "hash_flood",
                ["table"] = what,
                ["keys"] = count,
                ["random_ns_per_op"] = Math.Round(randomNs, 1),
                ["shared_prefix_ns_per_op"] = Math.Round(prefixedNs, 1),
                ["ratio"] = Math.Round(prefixedNs / randomNs, 2),
            };
        }
    }

    private static DropName[] Names(int count, int shared)
    {
        var prefix = RandomNumberGenerator.GetBytes(shared);
        return Enumerable.Range(0, count).Select(_ => DropName.FromBytes([.. prefix, .. RandomNumberGenerator.GetBytes(DropName.Size - shared)])).ToArray();
    }

    private static MessageId[] Ids(int count, int shared)
    {
        var prefix = RandomNumberGenerator.GetBytes(shared);
        return Enumerable.Range(0, count).Select(_ => MessageId.FromBytes([.. prefix, .. RandomNumberGenerator.GetBytes(MessageId.Size - shared)])).ToArray();
    }

    /// <summary>The fastest of a few rounds: the least disturbed by other work on a shared machine.</summary>
    private static double Best(Func<double> round) => Enumerable.Range(0, Rounds).Select(_ => round()).Min();

    /// <summary>Nanoseconds per operation: one insert and one look-up per key.</summary>
    private static double DictionaryNs<T>(T[] keys)
        where T : notnull
        => TableNs(keys, new Dictionary<T, int>());

    private static double ConcurrentNs<T>(T[] keys)
        where T : notnull
        => TableNs(keys, new ConcurrentDictionary<T, int>());

    private static double TableNs<T>(T[] keys, IDictionary<T, int> table)
    {
        var clock = Stopwatch.StartNew();
        foreach (var key in keys)
        {
            table[key] = 1;
        }

        long found = 0;
        foreach (var key in keys)
        {
            found += table[key];
        }

        return found == keys.Length ? clock.Elapsed.TotalNanoseconds / (2.0 * keys.Length) : throw new InvalidOperationException("lost a key");
    }
}
