using System.Collections;
using System.Security.Cryptography;
using Courier.Node.Storage;
using Courier.Node.Wire;
using Microsoft.Win32.SafeHandles;

namespace Courier.Node.Cells;

/// <summary>
/// Received messages in the vault: texts as inbox records, files as one record per chunk plus a
/// progress record until the last chunk has come, when the file becomes an inbox record.
/// </summary>
internal sealed class InboxRepository(Vault vault, TimeProvider time)
{
    /// <summary>Stores what a cell received, in the caller's transaction; returns the inbox messages it completed.</summary>
    public List<InboxMessage> Store(VaultTransaction transaction, CellRecord cell, IReadOnlyList<CellMessage> received)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var stored = new List<InboxMessage>();
        var files = new Dictionary<string, FileProgress>();
        CellRetention? retention = null;
        foreach (var message in received)
        {
            var (origin, content) = message.Content is Forwarded f ? (f.Origin, f.Inner) : (null, message.Content);
            if (content is RetentionSetting setting)
            {
                var incoming = new CellRetention(setting.Seconds, setting.SetAt, message.Sender);
                if (incoming.Supersedes(retention ?? CellRetention.Read(vault, cell.Id)))
                {
                    incoming.Put(transaction, vault, cell.Id);
                    retention = incoming;
                }

                continue;
            }

            if (content is BurnNotice burn)
            {
                new BurnRecord(Vault.NewId(), cell.Id, message.Sender, now, burn).Put(transaction);
                continue;
            }

            if (content is ReserveActivationContent activation)
            {
                // Not a message for the inbox: what reserve activation reads (a forwarded one is ignored).
                if (origin is null)
                {
                    var kept = new Reserve.ReceivedActivation(Vault.NewId(), cell.Id, message.Sender, activation.Body);
                    transaction.PutWiped(VaultCollection.ReserveActivation, kept.Id, kept.Encode());
                }

                continue;
            }

            // Within a cell, the order its drops delivered: epoch, then position in the epoch's drop.
            var arrival = unchecked((long)((message.Epoch << 32) | ((ulong)message.Sequence & uint.MaxValue)));
            if (content is CouncilContent council)
            {
                // What the council's signing reads (a forwarded one is ignored).
                if (origin is null)
                {
                    var kept = new Council.ReceivedCouncilMessage(Vault.NewId(), cell.Id, message.Sender, (ulong)arrival, council.Body);
                    transaction.PutWiped(VaultCollection.CouncilMessage, kept.Id, kept.Encode());
                }

                continue;
            }

            InboxRecord? inbox = null;
            if (content is TextContent text)
            {
                inbox = new InboxRecord(Vault.NewId(), cell.Name, message.Sender, now, arrival, text.Text, null, 0, null, 0, origin);
            }
            else if (content is FileChunk chunk)
            {
                var lookup = FileProgress.LookupName(cell.Id, message.Sender, chunk);
                var progress = files.GetValueOrDefault(lookup)
                    ?? vault.ReadFound(VaultCollection.FileProgress, lookup, FileProgress.Decode).FirstOrDefault()
                    ?? new FileProgress(Vault.NewId(), RandomNumberGenerator.GetBytes(FileProgress.KeySize), chunk.Count, 0, 0);
                progress = progress with { Received = progress.Received + 1, Size = progress.Size + chunk.Data.Length };
                transaction.PutWiped(VaultCollection.FileChunk, Vault.NewId(), FileProgress.EncodeChunk(chunk), FileProgress.ChunkLookupName(progress.ChunksKey));
                if (progress.Received < progress.Count)
                {
                    files[lookup] = progress;
                    transaction.Put(VaultCollection.FileProgress, progress.Id, progress.Encode(), lookup);
                    continue;
                }

                files.Remove(lookup);
                transaction.Delete(progress.Id);
                inbox = new InboxRecord(Vault.NewId(), cell.Name, message.Sender, now, arrival, null, chunk.Name, progress.Size, progress.ChunksKey, progress.Count, origin);
            }

            if (inbox is not null)
            {
                transaction.PutWiped(VaultCollection.Inbox, inbox.Id, inbox.Encode(), InboxRecord.LookupName(cell.Id));
                stored.Add(inbox.ToMessage());
            }
        }

        return stored;
    }

    /// <summary>
    /// Deletes, in one transaction, every message (a file with its chunks and their key) of
    /// <paramref name="cells"/> received longer ago than its cell's retention (docs/panic.md,
    /// "Disappearing messages"); the vault then wipes their pages and removes their images from the
    /// WAL. Returns how many were deleted.
    /// </summary>
    public int Expire(IEnumerable<CellRecord> cells)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var expired = new List<InboxRecord>();
        foreach (var cell in cells)
        {
            if (CellRetention.Read(vault, cell.Id) is { Seconds: > 0 } retention)
            {
                expired.AddRange(Load(cell.Id).Where(m => (ulong)Math.Max(0, now - m.ReceivedAt) >= retention.Seconds));
            }
        }

        if (expired.Count == 0)
        {
            return 0;
        }

        using var transaction = vault.Begin();
        foreach (var message in expired)
        {
            if (message.ChunksKey is { } chunks)
            {
                foreach (var (id, plaintext) in vault.Find(VaultCollection.FileChunk, FileProgress.ChunkLookupName(chunks)))
                {
                    CryptographicOperations.ZeroMemory(plaintext);
                    transaction.Delete(id);
                }
            }

            transaction.Delete(message.Id);
        }

        transaction.Commit();
        return expired.Count;
    }

    /// <summary>The messages of one cell (or of all), oldest first.</summary>
    public List<InboxRecord> Load(byte[]? cellId)
    {
        var records = cellId is null
            ? vault.ReadAll(VaultCollection.Inbox, InboxRecord.Decode)
            : vault.ReadFound(VaultCollection.Inbox, InboxRecord.LookupName(cellId), InboxRecord.Decode);

        // By second, and within a cell in the order its drops delivered (one sync stores many in the same second).
        return records.OrderBy(m => m.ReceivedAt).ThenBy(m => m.Arrival).ToList();
    }

    public void MarkRead(byte[] cellId, IEnumerable<InboxRecord> messages)
    {
        using var transaction = vault.Begin();
        foreach (var message in messages.Where(m => !m.Read))
        {
            transaction.PutWiped(VaultCollection.Inbox, message.Id, (message with { Read = true }).Encode(), InboxRecord.LookupName(cellId));
        }

        transaction.Commit();
    }

    /// <summary>The received message whose id starts with <paramref name="id"/> (at least 6 hex digits).</summary>
    /// <exception cref="UnknownMessageException">None, or several.</exception>
    public InboxRecord Find(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var matches = Load(null).Where(m => id.Length >= 6 && Convert.ToHexStringLower(m.Id).StartsWith(id, StringComparison.OrdinalIgnoreCase)).ToList();
        return matches.Count == 1 ? matches[0] : throw new UnknownMessageException($"No received message has the id \"{id}\" (see inbox).");
    }

    /// <summary>
    /// Writes a received file to <paramref name="output"/>, each chunk at its place as it is read from
    /// the vault, so that a large file is never whole in memory. Courier sends every chunk but the last
    /// at one size; false when this file's chunks are not so (the caller then writes <see cref="FileChunks"/> in order).
    /// </summary>
    /// <exception cref="VaultCorruptedException">A chunk is missing or repeated.</exception>
    public bool WriteFile(InboxRecord file, SafeFileHandle output)
    {
        var count = (int)file.ChunkCount;
        var seen = new BitArray(count);
        var size = -1;
        byte[]? last = null;
        var uniform = true;
        vault.ForEachFound(VaultCollection.FileChunk, FileProgress.ChunkLookupName(file.ChunksKey!), plaintext =>
        {
            uint index;
            ReadOnlySpan<byte> data;
            try
            {
                index = FileProgress.ReadChunk(plaintext, out data);
            }
            catch (MalformedRecordException e)
            {
                throw VaultReads.Unreadable(e);
            }

            if (index >= count || seen[(int)index])
            {
                throw MissingChunks();
            }

            seen[(int)index] = true;
            if (index == count - 1)
            {
                last = data.ToArray();
            }
            else if (uniform && (size == -1 || size == data.Length))
            {
                size = data.Length;
                RandomAccess.Write(output, data, (long)index * size);
            }
            else
            {
                uniform = false;
            }
        });
        if (!seen.HasAllSet())
        {
            throw MissingChunks();
        }

        if (!uniform || (size != -1 && last!.Length > size))
        {
            return false;
        }

        RandomAccess.Write(output, last, (long)(count - 1) * Math.Max(size, 0));
        return true;
    }

    /// <summary>The chunks of a received file, in order.</summary>
    /// <exception cref="VaultCorruptedException">A chunk is missing.</exception>
    public IEnumerable<FileChunk> FileChunks(InboxRecord file)
    {
        var chunks = vault.Find(VaultCollection.FileChunk, FileProgress.ChunkLookupName(file.ChunksKey!))
            .Select(r => VaultReads.Decode(r.Plaintext, p => FileProgress.DecodeChunk(p)))
            .OrderBy(c => c.Index)
            .ToList();
        return chunks.Count != file.ChunkCount || chunks.Where((c, i) => c.Index != i).Any()
            ? throw MissingChunks()
            : chunks.Select(c => new FileChunk(file.FileName!, c.Index, file.ChunkCount, c.Data));
    }

    private static VaultCorruptedException MissingChunks() => new("A stored file is missing chunks. Restore the home directory from a backup.");
}
