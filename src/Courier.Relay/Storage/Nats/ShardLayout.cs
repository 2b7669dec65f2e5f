using System.Buffers.Binary;
using System.Globalization;
using Courier.Relay.Client;

namespace Courier.Relay.Storage.Nats;

/// <summary>Which shard stream and subject hold a drop's envelopes: fixed by the drop's name, the same in every relay.</summary>
internal static class ShardLayout
{
    /// <summary>
    /// Shard streams. Fewer shards batch more appends into each replication round (one shard is
    /// fastest for one relay); more shards mean fewer refused chains when several relays write at
    /// once. Fixed: a drop's shard must be the same in every relay, now and later.
    /// </summary>
    public const int ShardCount = 4;

    private const string StreamPrefix = "COURIER_ENVELOPES_";
    private const string SubjectPrefix = "courier.e.";

    /// <summary>The name of shard stream <paramref name="shard"/>.</summary>
    public static string StreamName(int shard) => StreamPrefix + Number(shard);

    /// <summary>The subjects shard stream <paramref name="shard"/> holds.</summary>
    public static string Subjects(int shard) => SubjectPrefix + Number(shard) + ".*";

    /// <summary>The subject of the message that keeps shard <paramref name="shard"/> from being empty.</summary>
    public static string InitSubject(int shard) => SubjectPrefix + Number(shard) + ".init";

    /// <summary>A drop's shard: fixed by its name, the same in every relay.</summary>
    public static int Of(DropName drop) => BinaryPrimitives.ReadUInt16BigEndian(drop.Bytes) % ShardCount;

    /// <summary>The subject of a drop's envelopes.</summary>
    public static string Subject(DropName drop) => SubjectPrefix + Number(Of(drop)) + "." + drop;

    private static string Number(int shard) => shard.ToString(CultureInfo.InvariantCulture);
}
