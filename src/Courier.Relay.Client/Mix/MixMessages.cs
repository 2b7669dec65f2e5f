using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Courier.Relay.Client.Mix;

/// <summary>
/// A drop request carried to its relay inside a Sphinx packet, with the SURB for its answer
/// (docs/mixnet.md, "Requests and answers"): the HTTP API's request (method, target, the headers it
/// signs or needs, body), so the last hop checks it exactly as the HTTP API does.
/// </summary>
/// <param name="Surb">The single-use reply block for the answer.</param>
/// <param name="ReplyLength">The message length of the answer's packet, one of <see cref="MixMessages.MessageLengths"/>: the requester's choice, so that an answer's size says nothing its request did not.</param>
/// <param name="Method">GET or POST.</param>
/// <param name="Target">Path and query, as signed.</param>
/// <param name="Headers">Header names of <see cref="MixMessages.HeaderNames"/> and their values.</param>
/// <param name="Body">The body (an envelope, JSON, or nothing).</param>
public sealed record MixRequest(byte[] Surb, int ReplyLength, string Method, string Target, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body);

/// <summary>The relay's answer to a <see cref="MixRequest"/>: the HTTP status and the HTTP API's JSON body.</summary>
public sealed record MixAnswer(int Status, byte[] Body);

/// <summary>The byte encodings of <see cref="MixRequest"/> and <see cref="MixAnswer"/> (big-endian lengths).</summary>
public static class MixMessages
{
    /// <summary>Format version, the first byte of both (2: requests name their reply's size).</summary>
    public const byte Version = 2;

    /// <summary>
    /// The message length of small mix packets (6 KiB): a create, a fetch, a trim, an append of an envelope
    /// of up to <see cref="EnvelopeSizes.Medium"/> with its SURB and signed headers, and every answer but
    /// a fetch's.
    /// </summary>
    public const int SmallMessageLength = 6 * 1024;

    /// <summary>
    /// The message length of large mix packets (96 KiB): a 64 KiB envelope's append with its SURB, and a
    /// fetch's JSON answer of up to <see cref="EnvelopeSizes.Max"/> of envelopes, fit without fragments.
    /// </summary>
    public const int LargeMessageLength = 96 * 1024;

    /// <summary>The two sizes, smallest first; a relay takes packets of both, and nothing else.</summary>
    public static IReadOnlyList<int> MessageLengths { get; } = [SmallMessageLength, LargeMessageLength];

    /// <summary>The envelope bytes a fetch through the mix returns at most (at least one envelope) for a reply of <paramref name="replyLength"/>.</summary>
    public static int MaxFetchBytes(int replyLength) => replyLength == LargeMessageLength ? EnvelopeSizes.Max : EnvelopeSizes.Small;

    /// <summary>The smallest message length that holds <paramref name="length"/> bytes.</summary>
    /// <exception cref="MixMessageException">Not even a large packet holds it.</exception>
    public static int MessageLengthFor(int length)
        => length <= SmallMessageLength ? SmallMessageLength
            : length <= LargeMessageLength ? LargeMessageLength
            : throw new MixMessageException("A mix request is larger than the largest mix packet.");

    /// <summary>
    /// The reply length a request needs: a fetch's answer may hold up to <see cref="EnvelopeSizes.Max"/> of
    /// envelopes, so large; every other answer (a receipt, a state, an error) is a small JSON.
    /// </summary>
    public static int ReplyLengthFor(string method, string target)
        => method == "GET" && target.Split('?')[0].EndsWith("/envelopes", StringComparison.Ordinal) ? LargeMessageLength : SmallMessageLength;

    /// <summary>The headers a request may carry, by their code (the index plus one).</summary>
    public static IReadOnlyList<string> HeaderNames { get; } =
        [RequestSignature.TimestampHeader, RequestSignature.NonceHeader, RequestSignature.SignatureHeader, RequestSignature.MessageIdHeader, "Content-Type"];

    private const int MaxSurb = 4096;
    private const int MaxTarget = 1024;
    private const int MaxHeaderValue = 256;

    /// <summary>
    /// version u8 | reply size u8 (1 small, 2 large) | SURB length u16 | SURB | method u8 (1 GET, 2 POST) | target length u16 | target (ASCII)
    /// | header count u8 | per header: code u8, length u16, value (ASCII) | body length u32 | body.
    /// </summary>
    public static byte[] Encode(MixRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var stream = new MemoryStream();
        stream.WriteByte(Version);
        stream.WriteByte(request.ReplyLength switch
        {
            SmallMessageLength => 1,
            LargeMessageLength => 2,
            _ => throw new ArgumentException("A reply is of one of the two mix packet sizes.", nameof(request)),
        });
        WriteBlock(stream, request.Surb, 2);
        stream.WriteByte(request.Method switch { "GET" => 1, "POST" => 2, _ => throw new ArgumentException("A mix request is a GET or a POST.", nameof(request)) });
        WriteBlock(stream, Encoding.ASCII.GetBytes(request.Target), 2);
        stream.WriteByte(checked((byte)request.Headers.Count));
        foreach (var (name, value) in request.Headers)
        {
            int code = IndexOf(name);
            stream.WriteByte(code >= 0 ? (byte)(code + 1) : throw new ArgumentException("This header does not travel in a mix request.", nameof(request)));
            WriteBlock(stream, Encoding.ASCII.GetBytes(value), 2);
        }

        WriteBlock(stream, request.Body, 4);
        return stream.ToArray();
    }

    /// <summary>Decodes a request; trailing zeros (the packet's padding) are allowed, nothing else.</summary>
    /// <exception cref="MixMessageException">It is not a well-formed request.</exception>
    public static MixRequest DecodeRequest(ReadOnlySpan<byte> message)
    {
        var reader = new Reader(message);
        if (reader.Byte() != Version)
        {
            throw new MixMessageException("Unknown mix request version.");
        }

        int replyLength = reader.Byte() switch { 1 => SmallMessageLength, 2 => LargeMessageLength, _ => throw new MixMessageException("Unknown reply size in a mix request.") };
        var surb = reader.Block(2, MaxSurb).ToArray();
        string method = reader.Byte() switch { 1 => "GET", 2 => "POST", _ => throw new MixMessageException("Unknown method in a mix request.") };
        string target = Ascii(reader.Block(2, MaxTarget));
        int count = reader.Byte();
        var headers = new List<KeyValuePair<string, string>>(count);
        for (int i = 0; i < count; i++)
        {
            int code = reader.Byte();
            if (code < 1 || code > HeaderNames.Count || headers.Exists(h => h.Key == HeaderNames[code - 1]))
            {
                throw new MixMessageException("Unknown or repeated header in a mix request.");
            }

            headers.Add(new(HeaderNames[code - 1], Ascii(reader.Block(2, MaxHeaderValue))));
        }

        var body = reader.Block(4, EnvelopeSizes.Max).ToArray();
        reader.ZerosToEnd();
        return new MixRequest(surb, replyLength, method, target, headers, body);
    }

    /// <summary>version u8 | status u16 | body length u32 | body.</summary>
    public static byte[] Encode(MixAnswer answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        using var stream = new MemoryStream();
        stream.WriteByte(Version);
        Span<byte> status = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(status, checked((ushort)answer.Status));
        stream.Write(status);
        WriteBlock(stream, answer.Body, 4);
        return stream.ToArray();
    }

    /// <summary>Decodes an answer; trailing zeros allowed.</summary>
    /// <exception cref="MixMessageException">It is not a well-formed answer.</exception>
    public static MixAnswer DecodeAnswer(ReadOnlySpan<byte> message)
    {
        var reader = new Reader(message);
        if (reader.Byte() != Version)
        {
            throw new MixMessageException("Unknown mix answer version.");
        }

        int status = (reader.Byte() << 8) | reader.Byte();
        var body = reader.Block(4, message.Length).ToArray();
        reader.ZerosToEnd();
        return status is < 100 or > 599 ? throw new MixMessageException("A mix answer's status is not an HTTP status.") : new MixAnswer(status, body);
    }

    /// <summary>
    /// The request <paramref name="request"/> (as <see cref="RelayClient"/> builds it) with <paramref name="surb"/>,
    /// its answer asked for in the size <see cref="ReplyLengthFor"/> gives.
    /// </summary>
    public static async Task<MixRequest> FromHttpAsync(HttpRequestMessage request, byte[] surb, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var (name, values) in request.Headers)
        {
            headers.Add(new(name, string.Join(",", values)));
        }

        byte[] body = [];
        if (request.Content is { } content)
        {
            body = await content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (content.Headers.ContentType is { } type)
            {
                headers.Add(new("Content-Type", type.ToString()));
            }
        }

        string target = request.RequestUri!.IsAbsoluteUri ? request.RequestUri.PathAndQuery : request.RequestUri.OriginalString;
        return new MixRequest(surb, ReplyLengthFor(request.Method.Method, target), request.Method.Method, target, headers, body);
    }

    /// <summary>The HTTP response <see cref="RelayClient"/> reads from <paramref name="answer"/>.</summary>
    public static HttpResponseMessage ToHttp(MixAnswer answer, HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(answer);
        var response = new HttpResponseMessage((HttpStatusCode)answer.Status) { RequestMessage = request, Content = new ByteArrayContent(answer.Body) };
        response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return response;
    }

    private static int IndexOf(string name)
    {
        for (int i = 0; i < HeaderNames.Count; i++)
        {
            if (string.Equals(HeaderNames[i], name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    private static void WriteBlock(Stream stream, ReadOnlySpan<byte> block, int lengthBytes)
    {
        Span<byte> length = stackalloc byte[4];
        if (lengthBytes == 2)
        {
            BinaryPrimitives.WriteUInt16BigEndian(length, checked((ushort)block.Length));
        }
        else
        {
            BinaryPrimitives.WriteUInt32BigEndian(length, (uint)block.Length);
        }

        stream.Write(length[..lengthBytes]);
        stream.Write(block);
    }

    private static string Ascii(ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
        {
            if (b is < 0x20 or > 0x7e)
            {
                throw new MixMessageException("A mix request's text is printable ASCII.");
            }
        }

        return Encoding.ASCII.GetString(bytes);
    }

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _offset;

        public byte Byte() => _offset < _data.Length ? _data[_offset++] : throw Truncated();

        public ReadOnlySpan<byte> Block(int lengthBytes, int max)
        {
            if (_data.Length - _offset < lengthBytes)
            {
                throw Truncated();
            }

            long length = lengthBytes == 2 ? BinaryPrimitives.ReadUInt16BigEndian(_data[_offset..]) : BinaryPrimitives.ReadUInt32BigEndian(_data[_offset..]);
            _offset += lengthBytes;
            if (length > max || length > _data.Length - _offset)
            {
                throw Truncated();
            }

            var block = _data.Slice(_offset, (int)length);
            _offset += (int)length;
            return block;
        }

        public readonly void ZerosToEnd()
        {
            if (_data[_offset..].ContainsAnyExcept((byte)0))
            {
                throw new MixMessageException("Bytes after the end of a mix message are not zero.");
            }
        }

        private static MixMessageException Truncated() => new("A mix message is truncated or a length is out of range.");
    }
}
