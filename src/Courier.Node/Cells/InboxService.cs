namespace Courier.Node.Cells;

/// <summary>Reading what arrived: the inbox, one cell's messages, a received file.</summary>
internal sealed class InboxService(NodeContext node)
{
    /// <summary>Deletes every cell's messages older than its retention (at open, with every sync, before listing).</summary>
    public int Expire() => node.Inbox.Expire(node.Cells.All());

    public IReadOnlyList<InboxMessage> Inbox(bool unreadOnly)
    {
        Expire();
        return node.Inbox.Load(null).Where(m => !unreadOnly || !m.Read).Select(m => m.ToMessage()).ToList();
    }

    /// <summary>A cell's messages, oldest first; marks them read.</summary>
    public IReadOnlyList<InboxMessage> Read(string cell)
    {
        var record = node.Cells.Find(cell);
        node.Inbox.Expire([record]);
        var messages = node.Inbox.Load(record.Id);
        node.Inbox.MarkRead(record.Id, messages);
        return messages.Select(m => m.ToMessage()).ToList();
    }

    /// <summary>Writes a received file to <paramref name="path"/>, which must not exist yet.</summary>
    public void SaveFile(string messageId, string path)
    {
        var message = FindFile(messageId);

        using var file = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write);
        try
        {
            if (!node.Inbox.WriteFile(message, file))
            {
                RandomAccess.SetLength(file, 0);
                long offset = 0;
                foreach (var chunk in node.Inbox.FileChunks(message))
                {
                    RandomAccess.Write(file, chunk.Data, offset);
                    offset += chunk.Data.Length;
                }
            }
        }
        catch
        {
            file.Dispose();
            File.Delete(path);
            throw;
        }
    }

    /// <summary>Copies a received file into <paramref name="output"/> (the UI's download: nothing is written to disk); returns its name.</summary>
    public string CopyFile(string messageId, Stream output)
    {
        var message = FindFile(messageId);
        foreach (var chunk in node.Inbox.FileChunks(message))
        {
            output.Write(chunk.Data);
        }

        return message.FileName!;
    }

    private InboxRecord FindFile(string messageId)
    {
        var message = node.Inbox.Find(messageId);
        return message.FileName is null ? throw new ArgumentException("That message is a text, not a file.", nameof(messageId)) : message;
    }
}
