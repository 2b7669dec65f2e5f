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

    /// <summary>A batch's body, written frame by frame to the request stream (no copy of the whole batch).</summary>
    public sealed class Content : HttpContent
    {
        private readonly IReadOnlyList<byte[]> _packets;

        public Content(IReadOnlyList<byte[]> packets)
        {
            _packets = packets;
            Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(ContentType);
        }

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => await SerializeToStreamAsync(stream, context, CancellationToken.None).ConfigureAwait(false);

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context, CancellationToken cancellationToken)
        {
            var frame = new byte[FrameLength];
            foreach (var packet in _packets)
            {
                BinaryPrimitives.WriteInt32BigEndian(frame, packet.Length);
                await stream.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
                await stream.WriteAsync(packet, cancellationToken).ConfigureAwait(false);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _packets.Sum(p => (long)FramedLength(p.Length));
            return true;
        }
    }

    /// <summary>
    /// Reads the packets of a batch from <paramref name="body"/> as they arrive, each into its own array (no
    /// buffer of the whole batch). Refuses the whole batch for a frame that overruns the body or is longer than
    /// <paramref name="maxPacketLength"/>, more than <see cref="MaxPackets"/> packets or <see cref="MaxBytes"/>
    /// bytes, or none; a packet of a length no mix takes is left to the caller to refuse alone.
    /// </summary>
    public static async Task<List<byte[]>> ReadAsync(Stream body, int maxPacketLength, CancellationToken cancellationToken)
    {
        var packets = new List<byte[]>();
        var frame = new byte[FrameLength];
        long total = 0;
        while (true)
        {
            int read = await body.ReadAtLeastAsync(frame, FrameLength, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (read == 0 && packets.Count > 0)
            {
                return packets;
            }

            int length = read == FrameLength ? BinaryPrimitives.ReadInt32BigEndian(frame) : -1;
            if (length < 0 || length > maxPacketLength)
            {
                throw BadBatch();
            }

            if (packets.Count == MaxPackets)
            {
                throw new RelayProblem(413, "too_many_packets", $"a batch holds at most {MaxPackets} packets");
            }

            total += FramedLength(length);
            if (total > MaxBytes)
            {
                throw new RelayProblem(413, "too_large", $"a batch is at most {MaxBytes} bytes");
            }

            var packet = new byte[length];
            if (await body.ReadAtLeastAsync(packet, length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false) != length)
            {
                throw BadBatch();
            }

            packets.Add(packet);
        }
    }

    private static RelayProblem BadBatch() => RelayProblem.BadRequest("bad_batch", "a batch is one or more packets, each preceded by its length in 4 bytes, big-endian");

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
