using System.Security.Cryptography;
using Courier.Node.Wire;

namespace Courier.Node.Bulletins;

/// <summary>What a bulletin is: a document (<see cref="Document"/>), or an authority's revocation of a key (<see cref="Revocation"/>).</summary>
public enum BulletinKind : byte
{
    /// <summary>A publication: instructions, a warning, a document.</summary>
    Document = 1,

    /// <summary>The authority named in the content is no longer to be trusted from this bulletin on.</summary>
    Revocation = 2,
}

/// <summary>
/// The signed part of a bulletin (docs/bulletins.md, "Format"): who issued it, its place in the
/// authority's sequence, when it is valid, who may receive it, and the SHA-256 of every chunk of its
/// content, so that the signature covers every byte and each chunk can be checked on its own.
/// </summary>
/// <param name="Authority">The authority's Ed25519 public key (32 bytes): one key, however many signed.</param>
/// <param name="Sequence">Its number in the authority's sequence, from 1: a reader who saw a later one flags an earlier one.</param>
/// <param name="IssuedAt">When it was signed (whole seconds).</param>
/// <param name="ExpiresAt">When it stops being valid (whole seconds, after <paramref name="IssuedAt"/>).</param>
/// <param name="Kind">What it is.</param>
/// <param name="Scopes">The scopes (16-byte ids) that may receive it: at least one, at most <see cref="MaxScopes"/>.</param>
/// <param name="Title">A short title shown in lists (at most <see cref="MaxTitleBytes"/> bytes of UTF-8).</param>
/// <param name="ContentLength">The content's length in bytes, at most <see cref="MaxContentLength"/>.</param>
/// <param name="ChunkHashes">SHA-256 of each <see cref="ChunkSize"/>-byte chunk of the content, in order (the last may be shorter).</param>
public sealed record BulletinHeader(
    byte[] Authority,
    ulong Sequence,
    DateTimeOffset IssuedAt,
    DateTimeOffset ExpiresAt,
    BulletinKind Kind,
    IReadOnlyList<byte[]> Scopes,
    string Title,
    long ContentLength,
    IReadOnlyList<byte[]> ChunkHashes)
{
    /// <summary>The format's version, the header's first byte.</summary>
    public const byte Version = 1;

    /// <summary>Content is hashed, carried and checked in chunks of this size.</summary>
    public const int ChunkSize = 64 * 1024;

    /// <summary>The largest content: 64 MiB (1,024 chunks).</summary>
    public const long MaxContentLength = 64L * 1024 * 1024;

    /// <summary>The most scopes one bulletin names.</summary>
    public const int MaxScopes = 16;

    /// <summary>A scope id's length.</summary>
    public const int ScopeIdSize = 16;

    /// <summary>The longest title, in bytes of UTF-8.</summary>
    public const int MaxTitleBytes = 256;

    /// <summary>An Ed25519 public key's length.</summary>
    public const int AuthorityKeySize = 32;

    /// <summary>The largest encoded header: the fixed fields, every scope, the longest title and every chunk hash.</summary>
    public const int MaxEncodedSize = 1 + 1 + AuthorityKeySize + 8 + 8 + 8 + 1 + (MaxScopes * ScopeIdSize) + 2 + MaxTitleBytes + 8 + (MaxChunks * 32);

    private const int MaxChunks = (int)(MaxContentLength / ChunkSize);

    /// <summary>The number of chunks content of <paramref name="length"/> bytes has.</summary>
    public static int ChunksOf(long length) => (int)((length + ChunkSize - 1) / ChunkSize);

    /// <summary>The header's bytes, as signed (docs/bulletins.md gives the offsets).</summary>
    /// <exception cref="ArgumentException">A field is out of its range.</exception>
    public byte[] Encode()
    {
        Check(Fail);
        using var writer = new RecordWriter(MaxEncodedSize);
        writer.U8(Version).U8((byte)Kind).Fixed(Authority).U64(Sequence)
            .I64(IssuedAt.ToUnixTimeSeconds()).I64(ExpiresAt.ToUnixTimeSeconds())
            .U8((byte)Scopes.Count);
        foreach (var scope in Scopes)
        {
            writer.Fixed(scope);
        }

        var title = System.Text.Encoding.UTF8.GetBytes(Title);
        writer.U16((ushort)title.Length).Fixed(title).U64((ulong)ContentLength);
        foreach (var hash in ChunkHashes)
        {
            writer.Fixed(hash);
        }

        return writer.ToArray();

        static Exception Fail(string reason) => new ArgumentException($"A bulletin header is invalid: {reason}.");
    }

    /// <summary>Reads a header written by <see cref="Encode"/>, every field checked against its range.</summary>
    /// <exception cref="MalformedRecordException">The bytes are not a header of this version.</exception>
    internal static BulletinHeader Decode(ReadOnlySpan<byte> bytes)
    {
        var reader = new RecordReader(bytes, "bulletin header");
        if (reader.U8() != Version)
        {
            throw reader.Error("its version is unknown");
        }

        var kind = (BulletinKind)reader.U8();
        var authority = reader.Fixed(AuthorityKeySize).ToArray();
        var sequence = reader.U64();
        var issued = reader.I64();
        var expires = reader.I64();
        var scopeCount = reader.U8();
        var scopes = new List<byte[]>(scopeCount);
        for (var i = 0; i < scopeCount; i++)
        {
            scopes.Add(reader.Fixed(ScopeIdSize).ToArray());
        }

        var titleLength = reader.U16();
        if (titleLength > MaxTitleBytes)
        {
            throw reader.Error("its title is too long");
        }

        string title;
        try
        {
            title = new System.Text.UTF8Encoding(false, true).GetString(reader.Fixed(titleLength));
        }
        catch (System.Text.DecoderFallbackException)
        {
            throw reader.Error("its title is not UTF-8");
        }

        var length = reader.U64();
        if (length > MaxContentLength)
        {
            throw reader.Error("its content is longer than allowed");
        }

        var hashes = new List<byte[]>();
        for (var i = 0; i < ChunksOf((long)length); i++)
        {
            hashes.Add(reader.Fixed(SHA256.HashSizeInBytes).ToArray());
        }

        reader.EnsureEnd();
        if (issued is < 0 or > 253402300799 || expires is < 0 or > 253402300799)
        {
            throw reader.Error("a time is out of range");
        }

        var header = new BulletinHeader(authority, sequence, DateTimeOffset.FromUnixTimeSeconds(issued), DateTimeOffset.FromUnixTimeSeconds(expires), kind, scopes, title, (long)length, hashes);
        header.Check(reason => new MalformedRecordException("bulletin header", reason));
        return header;
    }

    private void Check(Func<string, Exception> fail)
    {
        if (!Enum.IsDefined(Kind))
        {
            throw fail("its kind is unknown");
        }

        if (Authority is not { Length: AuthorityKeySize })
        {
            throw fail($"its authority key is not {AuthorityKeySize} bytes");
        }

        if (Sequence == 0)
        {
            throw fail("its sequence number is 0 (they start at 1)");
        }

        if (ExpiresAt <= IssuedAt)
        {
            throw fail("it expires before it is issued");
        }

        if (Scopes.Count is 0 or > MaxScopes || Scopes.Any(s => s is not { Length: ScopeIdSize }))
        {
            throw fail($"it does not name 1 to {MaxScopes} scopes of {ScopeIdSize} bytes");
        }

        if (System.Text.Encoding.UTF8.GetByteCount(Title) > MaxTitleBytes)
        {
            throw fail($"its title is longer than {MaxTitleBytes} bytes");
        }

        if (ContentLength is < 0 or > MaxContentLength || ChunkHashes.Count != ChunksOf(ContentLength) || ChunkHashes.Any(h => h is not { Length: SHA256.HashSizeInBytes }))
        {
            throw fail("its chunk hashes do not match its content length");
        }
    }
}
