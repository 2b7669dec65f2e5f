using System.Buffers.Binary;

namespace Courier.Relay.Mix;

/// <summary>
/// The body of <c>POST /v1/mix/batches</c> (docs/relay-api.md, "Mix"): packets one after another, each
/// framed by its length (4 bytes, big-endian); and its answer, one status (2 bytes, big-endian) per packet
/// in the same order, as the single-packet endpoint would have answered it.
/// </summary>
internal static class MixBatch
{
    public const string ContentType = "application/vnd.courier.mix-batch";

    /// <summary>The most packets in one batch.</summary>
    public const int MaxPackets = 64;

    /// <summary>The longest batch body, frames included: ten large packets fit, Kestrel's own limit is not passed.</summary>
    public const int MaxBytes = 1024 * 1024;

    private const int FrameLength = 4;

    /// <summary>The bytes a packet of <paramref name="packetLength"/> adds to a batch.</summary>
    public static int FramedLength(int packetLength) => FrameLength + packetLength;

    public static byte[] Encode(IReadOnlyList<byte[]> packets)
    {
        var body = new byte[packets.Sum(p => FramedLength(p.Length))];
        int offset = 0;
        foreach (var packet in packets)
        {
            BinaryPrimitives.WriteInt32BigEndian(body.AsSpan(offset), packet.Length);
            packet.CopyTo(body, offset + FrameLength);
            offset += FramedLength(packet.Length);
        }

        return body;
    }

    /// <summary>The packets of <paramref name="body"/>; a frame that overruns the body, or more than <see cref="MaxPackets"/>, refuses the whole batch.</summary>
    public static List<byte[]> Decode(ReadOnlySpan<byte> body)
    {
        var packets = new List<byte[]>();
        while (!body.IsEmpty)
        {
            if (body.Length < FrameLength || BinaryPrimitives.ReadInt32BigEndian(body) is var length && (length < 0 || length > body.Length - FrameLength))
            {
                throw RelayProblem.BadRequest("bad_batch", "a batch is packets each preceded by its length in 4 bytes, big-endian");
            }

            if (packets.Count == MaxPackets)
            {
                throw new RelayProblem(413, "too_many_packets", $"a batch holds at most {MaxPackets} packets");
            }

            packets.Add(body.Slice(FrameLength, length).ToArray());
            body = body[(FrameLength + length)..];
        }

        if (packets.Count == 0)
        {
            throw RelayProblem.BadRequest("bad_batch", "a batch holds at least one packet");
        }

        return packets;
    }

    public static byte[] EncodeStatuses(IReadOnlyList<int> statuses)
    {
        var body = new byte[statuses.Count * 2];
        for (int i = 0; i < statuses.Count; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(body.AsSpan(i * 2), checked((ushort)statuses[i]));
        }

        return body;
    }

    /// <summary>The statuses of a batch of <paramref name="count"/> packets, or null when the answer is not that.</summary>
    public static int[]? DecodeStatuses(ReadOnlySpan<byte> body, int count)
    {
        if (body.Length != count * 2)
        {
            return null;
        }

        var statuses = new int[count];
        for (int i = 0; i < count; i++)
        {
            statuses[i] = BinaryPrimitives.ReadUInt16BigEndian(body[(i * 2)..]);
        }

        return statuses;
    }
}
