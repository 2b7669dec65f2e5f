using System.Buffers.Binary;
using System.Security.Cryptography;
using Courier.Node.Contacts;
using Courier.Node.Wire;

namespace Courier.Node.Bulletins;

/// <summary>
/// A signed bulletin as one file (docs/bulletins.md, "Format"): <c>"courier-bulletin"</c>, the
/// header's length, the header, the authority's Ed25519 signature of the first two, and the content.
/// Its id is the SHA-256 of what is signed, so the same publication has one id whichever path it
/// came by (a threshold signature is randomized: two signings of one header differ, their id does not).
/// Reading checks only the layout; <see cref="Verify"/> checks everything else and says which checks passed.
/// </summary>
public sealed class Bulletin
{
    /// <summary>The largest bulletin file: the largest header and content.</summary>
    public const long MaxFileSize = 16 + 4 + BulletinHeader.MaxEncodedSize + Ed25519.SignatureSize + BulletinHeader.MaxContentLength;

    // A signer's clock may run this far ahead of a reader's before a bulletin counts as issued in the future.
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private readonly byte[] _signed;
    private readonly byte[] _signature;
    private readonly ReadOnlyMemory<byte> _content;

    private Bulletin(BulletinHeader header, byte[] signed, byte[] signature, ReadOnlyMemory<byte> content)
    {
        Header = header;
        _signed = signed;
        _signature = signature;
        _content = content;
        Id = Convert.ToHexStringLower(SHA256.HashData(signed));
    }

    /// <summary>The first 16 bytes of every bulletin file, and the start of what is signed.</summary>
    public static ReadOnlySpan<byte> Magic => "courier-bulletin"u8;

    /// <summary>What the authority signed.</summary>
    public BulletinHeader Header { get; }

    /// <summary>The SHA-256 of what is signed, in lower-case hex: the bulletin's name everywhere.</summary>
    public string Id { get; }

    /// <summary>The content, as carried (check it with <see cref="Verify"/> before use).</summary>
    public ReadOnlyMemory<byte> Content => _content;

    /// <summary>The bytes an authority signs for <paramref name="header"/>: <see cref="Magic"/> then the header.</summary>
    public static byte[] SigningInput(BulletinHeader header) => [.. Magic, .. header.Encode()];

    /// <summary>
    /// Builds and signs a bulletin: <paramref name="sign"/> gets the bytes to sign (<see cref="SigningInput"/>)
    /// and returns an Ed25519 signature by <paramref name="header"/>'s authority, however it was made (one key, or a council's shares).
    /// </summary>
    /// <exception cref="ArgumentException">The header does not describe <paramref name="content"/>, or a field is out of range.</exception>
    /// <exception cref="InvalidOperationException">The signature returned does not verify under the header's authority key.</exception>
    public static async Task<Bulletin> CreateAsync(BulletinHeader header, ReadOnlyMemory<byte> content, Func<byte[], CancellationToken, Task<byte[]>> sign, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(sign);
        var hashes = ChunkHashes(content.Span);
        if (header.ContentLength != content.Length || hashes.Count != header.ChunkHashes.Count || hashes.Zip(header.ChunkHashes).Any(p => !p.First.AsSpan().SequenceEqual(p.Second)))
        {
            throw new ArgumentException("The bulletin header does not describe the content given.", nameof(header));
        }

        var signed = SigningInput(header);
        var signature = await sign(signed, ct).ConfigureAwait(false);
        if (!Ed25519.Verify(header.Authority, signed, signature))
        {
            throw new InvalidOperationException("The signature made for the bulletin does not verify under its authority's key.");
        }

        return new Bulletin(header, signed, signature, content.ToArray());
    }

    /// <summary>A header for <paramref name="content"/>: its length and the SHA-256 of each chunk filled in.</summary>
    public static BulletinHeader Describe(byte[] authority, ulong sequence, DateTimeOffset issuedAt, DateTimeOffset expiresAt, BulletinKind kind, IReadOnlyList<byte[]> scopes, string title, ReadOnlySpan<byte> content)
        => new(authority, sequence, Truncate(issuedAt), Truncate(expiresAt), kind, scopes, title, content.Length, ChunkHashes(content));

    /// <summary>Reads a bulletin file's layout (nothing is verified yet: <see cref="Verify"/>).</summary>
    /// <exception cref="BulletinRejectedException">The bytes are not a bulletin: check <c>format</c>.</exception>
    public static Bulletin Read(ReadOnlyMemory<byte> file)
    {
        var bytes = file.Span;
        if (bytes.Length < Magic.Length + 4 || !bytes.StartsWith(Magic))
        {
            throw Malformed("it does not start as a bulletin does");
        }

        var headerLength = BinaryPrimitives.ReadUInt32BigEndian(bytes[Magic.Length..]);
        var headerStart = Magic.Length + 4;
        if (headerLength > BulletinHeader.MaxEncodedSize || bytes.Length < headerStart + (long)headerLength + Ed25519.SignatureSize)
        {
            throw Malformed("it is cut short or its header length is out of range");
        }

        BulletinHeader header;
        try
        {
            header = BulletinHeader.Decode(bytes.Slice(headerStart, (int)headerLength));
        }
        catch (MalformedRecordException e)
        {
            throw Malformed(e.Message.TrimEnd('.'));
        }

        var signatureStart = headerStart + (int)headerLength;
        var contentStart = signatureStart + Ed25519.SignatureSize;
        if (bytes.Length - contentStart != header.ContentLength)
        {
            throw Malformed($"its content is {bytes.Length - contentStart} bytes where its header says {header.ContentLength}");
        }

        byte[] signed = [.. Magic, .. bytes.Slice(headerStart, (int)headerLength)];
        return new Bulletin(header, signed, bytes.Slice(signatureStart, Ed25519.SignatureSize).ToArray(), file[contentStart..]);
    }

    /// <summary>The bulletin as one file, for <see cref="Read"/>.</summary>
    public byte[] ToFile()
    {
        var file = new byte[_signed.Length + 4 + _signature.Length + _content.Length];
        Magic.CopyTo(file);
        BinaryPrimitives.WriteUInt32BigEndian(file.AsSpan(Magic.Length), (uint)(_signed.Length - Magic.Length));
        _signed.AsSpan(Magic.Length).CopyTo(file.AsSpan(Magic.Length + 4));
        _signature.CopyTo(file.AsSpan(_signed.Length + 4));
        _content.Span.CopyTo(file.AsSpan(_signed.Length + 4 + _signature.Length));
        return file;
    }

    /// <summary>
    /// Every check a reader makes, each reported whether it passed or not (docs/bulletins.md,
    /// "Verifying"): the authority is the key expected, the signature verifies, every chunk matches its
    /// hash, the bulletin is valid at <paramref name="now"/>, and its sequence number is after what
    /// <paramref name="history"/> has seen from the authority. Nothing is recorded in the history.
    /// </summary>
    public BulletinVerification Verify(ReadOnlySpan<byte> authority, DateTimeOffset now, BulletinHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var checks = new List<BulletinCheck>();
        var expected = CryptographicOperations.FixedTimeEquals(authority, Header.Authority);
        checks.Add(new(BulletinCheck.Authority, expected, expected ? "issued by the authority's key given" : "issued by another key than the one given"));
        var signed = expected && Ed25519.Verify(Header.Authority, _signed, _signature);
        checks.Add(new(BulletinCheck.Signature, signed, signed ? "the Ed25519 signature verifies" : expected ? "the Ed25519 signature does not verify: the header was altered or not signed by the authority" : "not checked against another key"));
        var bad = ChunkHashes(_content.Span).Select((h, i) => (h, i)).Where(c => !CryptographicOperations.FixedTimeEquals(c.h, Header.ChunkHashes[c.i])).Select(c => c.i + 1).ToList();
        checks.Add(new(BulletinCheck.Content, bad.Count == 0, bad.Count == 0
            ? $"{Header.ContentLength:N0} bytes in {Header.ChunkHashes.Count} chunk(s), each matching its signed hash"
            : $"chunk(s) {string.Join(", ", bad.Take(8))}{(bad.Count > 8 ? ", ..." : string.Empty)} of {Header.ChunkHashes.Count} do not match their signed hash: the content was altered"));
        var valid = now >= Header.IssuedAt - ClockSkew && now < Header.ExpiresAt;
        checks.Add(new(BulletinCheck.Validity, valid, now >= Header.ExpiresAt
            ? $"expired at {Header.ExpiresAt:u}"
            : valid ? $"valid until {Header.ExpiresAt:u}" : $"issued at {Header.IssuedAt:u}, later than now: the signer's clock or the bulletin is wrong"));
        var order = history.Judge(this);
        checks.Add(new(BulletinCheck.Sequence, order == BulletinOrder.New, order switch
        {
            BulletinOrder.New => history.Latest == 0 ? $"number {Header.Sequence}, the first seen from this authority" : $"number {Header.Sequence}, after {history.Latest}, the latest seen",
            BulletinOrder.Seen => $"number {Header.Sequence} was seen before: a replay",
            BulletinOrder.Older => $"number {Header.Sequence} is before {history.Latest}, the latest seen: rolled back, or carried late",
            _ => $"number {Header.Sequence} was seen before with other content: the authority signed two bulletins with one number",
        }));
        return new BulletinVerification(this, checks);
    }

    private static List<byte[]> ChunkHashes(ReadOnlySpan<byte> content)
    {
        var hashes = new List<byte[]>(BulletinHeader.ChunksOf(content.Length));
        for (var offset = 0; offset < content.Length; offset += BulletinHeader.ChunkSize)
        {
            hashes.Add(SHA256.HashData(content.Slice(offset, Math.Min(BulletinHeader.ChunkSize, content.Length - offset))));
        }

        return hashes;
    }

    private static DateTimeOffset Truncate(DateTimeOffset time) => DateTimeOffset.FromUnixTimeSeconds(time.ToUnixTimeSeconds());

    private static BulletinRejectedException Malformed(string reason) => new(BulletinCheck.Format, $"The file is not a bulletin: {reason}.");
}
