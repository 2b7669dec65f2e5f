using Courier.Node.Wire;

namespace Courier.Node.Cells;

/// <summary>
/// A file whose chunks are still arriving: how many of its <see cref="Count"/> chunks and bytes are
/// stored (each chunk is its own record, found by <see cref="ChunksKey"/>). Found by
/// <see cref="LookupName"/>: cell, sender, file name and chunk count.
/// </summary>
internal sealed record FileProgress(byte[] Id, byte[] ChunksKey, uint Count, uint Received, long Size)
{
    public const int KeySize = 16;

    public static string LookupName(byte[] cellId, string sender, FileChunk chunk)
        => $"{Convert.ToHexStringLower(cellId)}/{sender}/{chunk.Name}/{chunk.Count}";

    public static string ChunkLookupName(byte[] chunksKey) => Convert.ToHexStringLower(chunksKey);

    public byte[] Encode()
    {
        using var writer = new RecordWriter();
        return writer.U8(1).Fixed(ChunksKey).U32(Count).U32(Received).I64(Size).ToArray();
    }

    /// <exception cref="MalformedRecordException">The plaintext is not a file progress record.</exception>
    public static FileProgress Decode(byte[] id, ReadOnlySpan<byte> bytes)
    {
        var reader = new RecordReader(bytes, "file progress record");
        if (reader.U8() != 1)
        {
            throw reader.Error("its version is unknown");
        }

        var progress = new FileProgress(id, reader.Fixed(KeySize).ToArray(), reader.U32(), reader.U32(), reader.I64());
        reader.EnsureEnd();
        return progress;
    }

    /// <summary>A stored chunk: <c>u32 index || data</c>.</summary>
    public static byte[] EncodeChunk(FileChunk chunk)
    {
        using var writer = new RecordWriter(chunk.Data.Length + 16);
        return writer.U32(chunk.Index).Opaque(chunk.Data).ToArray();
    }

    /// <exception cref="MalformedRecordException">The plaintext is not a stored chunk.</exception>
    public static (uint Index, byte[] Data) DecodeChunk(ReadOnlySpan<byte> bytes)
        => (ReadChunk(bytes, out var data), data.ToArray());

    /// <summary>A stored chunk's index, and its data in place.</summary>
    /// <exception cref="MalformedRecordException">The plaintext is not a stored chunk.</exception>
    public static uint ReadChunk(ReadOnlySpan<byte> bytes, out ReadOnlySpan<byte> data)
    {
        var reader = new RecordReader(bytes, "file chunk record");
        var index = reader.U32();
        data = reader.OpaqueSpan(EnvelopeFrame.MaxContent);
        reader.EnsureEnd();
        return index;
    }
}
