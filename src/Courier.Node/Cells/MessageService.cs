namespace Courier.Node.Cells;

/// <summary>Writing to cells: texts, files in chunks, and a liaison's forward of a received message.</summary>
internal sealed class MessageService(NodeContext node)
{
    /// <summary>The size of a file chunk: one chunk, with MLS framing, fills one 64 KiB envelope.</summary>
    public const int FileChunkSize = 60 * 1024;

    public Task<IReadOnlyList<string>> SendAsync(string cell, string text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        return SendAsync(cell, [new TextContent(text)], null, cancellationToken);
    }

    public async Task<IReadOnlyList<string>> SendFileAsync(string cell, string path, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        path = Path.GetFullPath(path);
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileChunkSize, useAsync: true);
        var count = (uint)Math.Max(1, (file.Length + FileChunkSize - 1) / FileChunkSize);
        var name = Path.GetFileName(path);
        long sent = 0;
        var reporter = progress is null ? null : new Progress(chunk =>
        {
            sent += chunk is FileChunk c ? c.Data.Length : 0;
            progress.Report(sent);
        });
        return await SendAsync(cell, Chunks(), reporter, cancellationToken).ConfigureAwait(false);

        IEnumerable<CellContent> Chunks()
        {
            for (uint i = 0; i < count; i++)
            {
                var offset = file.Position;
                var buffer = new byte[(int)Math.Min(FileChunkSize, file.Length - offset)];
                file.ReadExactly(buffer);
                var chunk = new FileChunk(name, i, count, buffer);
                yield return chunk with { Source = FileChunkSource.Of(chunk, path, offset) };
            }
        }
    }

    /// <summary>
    /// Sets the cell's retention for every member (docs/panic.md, "Disappearing messages"): kept here
    /// first, then sent to the cell as a <see cref="RetentionSetting"/>; this member's expired
    /// messages are deleted at once.
    /// </summary>
    public async Task<IReadOnlyList<string>> SetRetentionAsync(string cell, TimeSpan retention, CancellationToken cancellationToken)
    {
        var seconds = (ulong)Math.Ceiling(retention.TotalSeconds);
        if (retention < TimeSpan.Zero || seconds > CellRetention.MaxSeconds)
        {
            throw new ArgumentOutOfRangeException(nameof(retention), "A retention is between 0 (off) and 100 years.");
        }

        var record = node.Cells.Find(cell);
        if (!record.IsMember)
        {
            throw new NotAMemberException($"This node is no longer a member of \"{record.Name}\".");
        }

        var setting = new RetentionSetting(seconds, node.Options.Time.GetUtcNow().ToUnixTimeMilliseconds());
        using (var transaction = node.Vault.Begin())
        {
            new CellRetention(setting.Seconds, setting.SetAt, record.CodeName).Put(transaction, node.Vault, record.Id);
            transaction.Commit();
        }

        node.Inbox.Expire([record]);
        return await SendAsync(cell, [setting], null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Forwards a received message (or file) to another cell: the receivers see it marked as forwarded
    /// from another layer (or cell), without its origin's names.
    /// </summary>
    public async Task<IReadOnlyList<string>> ForwardAsync(string messageId, string toCell, CancellationToken cancellationToken)
    {
        var message = node.Inbox.Find(messageId);
        var source = node.Cells.Find(message.Cell);
        var target = node.Cells.Find(toCell);
        if (source.Id.AsSpan().SequenceEqual(target.Id))
        {
            throw new ArgumentException("The message came from that cell.", nameof(toCell));
        }

        var origin = source.Layer == target.Layer ? "another cell" : "another layer";
        IEnumerable<CellContent> contents = message.Text is not null
            ? [new Forwarded(origin, new TextContent(message.Text))]
            : node.Inbox.FileChunks(message).Select(c => (CellContent)new Forwarded(origin, c));
        return await SendAsync(toCell, contents, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends, and returns what the cell had to say meanwhile (it reads its drop first: a gap, a rejoin, a message set aside), one sentence each.</summary>
    private async Task<IReadOnlyList<string>> SendAsync(string cell, IEnumerable<CellContent> contents, IProgress<CellContent>? progress, CancellationToken cancellationToken)
    {
        var record = node.Cells.Find(cell);
        var notices = new List<string>();
        await node.Cells.RunAsync(record, async (open, _) =>
        {
            try
            {
                await open.SendAsync(contents, progress, [], cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                notices.AddRange(open.TakeGapNotices().Concat(open.TakeNotices()).Select(n => Cell.Said(record.Name, n)));
            }
        }).ConfigureAwait(false);
        return notices;
    }

    /// <summary>Reports synchronously, on the sender's thread (<see cref="Progress{T}"/> would post to the thread pool).</summary>
    private sealed class Progress(Action<CellContent> report) : IProgress<CellContent>
    {
        public void Report(CellContent value) => report(value);
    }
}
