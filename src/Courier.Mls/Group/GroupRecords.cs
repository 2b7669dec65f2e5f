using System.Buffers.Binary;

namespace Courier.Mls.Group;

/// <summary>
/// The per-message records of a group's stored state: what changes with each message sent or
/// received, kept apart from the epoch state (<see cref="GroupStateCodec"/>) so that the bytes
/// written per message do not grow with the group.
/// <code>
/// key                          value
/// 0x01 || uint32 node          uint64 epoch; uint32 node; opaque tree_node_secret&lt;V&gt;;   // a held secret-tree node
/// 0x02 || uint32 leaf          uint64 epoch; uint32 leaf; HashRatchetState handshake;
///                              HashRatchetState application;                       // a leaf's two ratchets
/// 0x03 || opaque[32] sha256    uint64 epoch; uint8 kind;                           // a message this member sent
/// </code>
/// Each value names its epoch and its node or leaf, so a record of another epoch or filed under
/// another key is rejected; the restored secret tree must cover every leaf exactly once.
/// </summary>
internal static class GroupRecords
{
    private const string Structure = "GroupRecord";

    public const byte NodeTag = 0x01;
    public const byte LeafTag = 0x02;
    public const byte SentTag = 0x03;

    public static byte[] NodeKey(uint node) => Key(NodeTag, node);

    public static byte[] LeafKey(uint leaf) => Key(LeafTag, leaf);

    public static byte[] SentKey(string fingerprint) => [SentTag, .. Convert.FromHexString(fingerprint)];

    public static Secret NodeValue(GroupEpoch epoch, uint node)
        => Value(epoch, epoch.SecretTree.NodeLength(node), writer => epoch.SecretTree.WriteNode(writer, node));

    public static Secret LeafValue(GroupEpoch epoch, uint leaf)
        => Value(epoch, epoch.SecretTree.LeafLength(leaf), writer => epoch.SecretTree.WriteLeaf(writer, leaf));

    public static Secret SentValue(GroupEpoch epoch, ProcessedKind kind)
        => Value(epoch, 1, writer => writer.WriteUInt8((byte)kind));

    /// <summary>
    /// Puts one stored record into <paramref name="epoch"/>, whose secret tree is still being
    /// filled. Throws <see cref="DecodeException"/> for an unknown key, a value of another epoch,
    /// node or leaf, a node or leaf read twice, and every error of the ratchets' encoding.
    /// </summary>
    public static void Read(GroupEpoch epoch, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        var reader = new TlsReader(value, Structure);
        if (reader.ReadUInt64() != epoch.Epoch)
        {
            throw reader.Error(DecodeError.InvalidValue);
        }

        switch (key.Length > 0 ? key[0] : (byte)0)
        {
            case NodeTag when key.Length == 5:
                epoch.SecretTree.ReadNode(ref reader, BinaryPrimitives.ReadUInt32BigEndian(key[1..]), Structure);
                break;
            case LeafTag when key.Length == 5:
                epoch.SecretTree.ReadLeaf(ref reader, BinaryPrimitives.ReadUInt32BigEndian(key[1..]), Structure);
                break;
            case SentTag when key.Length == 33:
                var kind = reader.ReadUInt8();
                if (kind > (byte)ProcessedKind.Commit || !epoch.Sent.TryAdd(Convert.ToHexString(key[1..]), (ProcessedKind)kind))
                {
                    throw reader.Error(DecodeError.InvalidValue);
                }

                break;
            default:
                throw reader.Error(DecodeError.InvalidValue);
        }

        reader.EnsureEnd();
    }

    private static byte[] Key(byte tag, uint index)
    {
        var key = new byte[5];
        key[0] = tag;
        BinaryPrimitives.WriteUInt32BigEndian(key.AsSpan(1), index);
        return key;
    }

    /// <summary>The writer is sized exactly, so its buffer never grows and leaves no copy of the secrets behind.</summary>
    private static Secret Value(GroupEpoch epoch, int bodyLength, Action<TlsWriter> body)
    {
        var writer = new TlsWriter(sizeof(ulong) + bodyLength);
        try
        {
            writer.WriteUInt64(epoch.Epoch);
            body(writer);
            return Secret.Copy(writer.Written);
        }
        finally
        {
            writer.Wipe();
        }
    }
}
