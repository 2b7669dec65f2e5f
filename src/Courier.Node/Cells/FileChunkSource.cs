using System.Security.Cryptography;

namespace Courier.Node.Cells;

/// <summary>
/// Where a file chunk being sent comes from, so that the outbox keeps a reference to it instead of a
/// second copy of its bytes: a 64 MiB file then costs the sender's vault one copy (the ciphertext),
/// not two. The chunk is read again only when a commit made it late and it must be protected in the
/// next epoch; its SHA-256 tells whether the file changed in between.
/// </summary>
internal sealed record FileChunkSource(string Name, uint Index, uint Count, string Path, long Offset, int Length, byte[] Sha256)
{
    public static FileChunkSource Of(FileChunk chunk, string path, long offset)
        => new(chunk.Name, chunk.Index, chunk.Count, path, offset, chunk.Data.Length, SHA256.HashData(chunk.Data));

    /// <summary>The chunk's content as first sent, or null when the file is gone or no longer holds those bytes there.</summary>
    public byte[]? Read()
    {
        try
        {
            using var file = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read);
            var data = new byte[Length];
            file.Seek(Offset, SeekOrigin.Begin);
            file.ReadExactly(data);
            return CryptographicOperations.FixedTimeEquals(SHA256.HashData(data), Sha256) ? new FileChunk(Name, Index, Count, data).ToBytes() : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
