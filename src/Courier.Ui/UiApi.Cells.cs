using Courier.Node;
using Courier.Node.Cells;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Courier.Ui;

/// <summary>The UI's JSON API, part two: layers, cells, messages, files, and the inbox.</summary>
internal static partial class UiApi
{
    private sealed record LayerRequest(string? Name, string? Relay);

    private sealed record CellRequest(string? Name, string? Layer);

    private sealed record NamesRequest(string[]? Names);

    private sealed record TextRequest(string? Text);

    private sealed record MessageView(string Id, string Cell, string Sender, DateTimeOffset ReceivedAt, string? Text, string? FileName, long FileSize, string? ForwardedFrom, bool IsRead)
    {
        public static MessageView Of(InboxMessage m) => new(m.Id, m.Cell, m.Sender, m.ReceivedAt, m.Text, m.FileName, m.FileSize, m.ForwardedFrom, m.IsRead);
    }

    public static void MapCells(WebApplication app, NodeSession session)
    {
        app.MapGet("/api/layers", () => session.Run(node => node.Layers));
        app.MapPost("/api/layers", (LayerRequest request) => session.Run(node => node.CreateLayer(Required(request.Name, "the layer's name").Trim(), [Relay(request.Relay)])));
        app.MapGet("/api/cells", () => session.Run(node => node.Cells));
        app.MapPost("/api/cells", (CellRequest request) => session.RunAsync((node, ct) =>
            node.CreateCellAsync(Required(request.Name, "the cell's name").Trim(), string.IsNullOrWhiteSpace(request.Layer) ? null : request.Layer, null, ct)));
        app.MapGet("/api/cells/{cell}", (string cell) => session.Run(node => node.Describe(cell)));
        app.MapPost("/api/cells/{cell}/add", (string cell, NamesRequest request) => session.RunAsync((node, ct) => Notices(node.AddToCellAsync(cell, Names(request), ct))));
        app.MapPost("/api/cells/{cell}/rotate", (string cell) => session.RunAsync(async (node, ct) =>
        {
            await node.RotateKeysAsync(cell, ct).ConfigureAwait(false);
            return new { notices = Array.Empty<string>() };
        }));
        app.MapPost("/api/cells/{cell}/leave", (string cell) => session.RunAsync(async (node, ct) =>
        {
            await node.LeaveCellAsync(cell, ct).ConfigureAwait(false);
            return new { notices = Array.Empty<string>() };
        }));

        // Reading a cell's messages marks them read, as 'courier read' does.
        app.MapGet("/api/cells/{cell}/messages", (string cell) => session.Run(node => node.Read(cell).Select(MessageView.Of).ToList()));
        app.MapPost("/api/cells/{cell}/messages", (string cell, TextRequest request) => session.RunAsync((node, ct) =>
            Notices(node.SendAsync(cell, Required(request.Text, "a message"), ct))));
        app.MapPost("/api/cells/{cell}/files", (string cell, HttpContext context) => UploadAsync(session, cell, context));
        app.MapGet("/api/files/{id}", (string id) => session.Run(node =>
        {
            using var content = new MemoryStream();
            var name = node.CopyFile(id, content);
            return Results.File(content.ToArray(), "application/octet-stream", Path.GetFileName(name));
        }));
        app.MapGet("/api/inbox", (bool? all) => session.Run(node => node.Inbox(unreadOnly: all != true).Select(MessageView.Of).ToList()));
    }

    /// <summary>
    /// A file from the page (the request body, its name in <c>?name=</c>): kept under the home while
    /// it is sent, because the node sends files from a path (and re-sends from it if an epoch ends
    /// first); deleted once it has left, kept while it waits in the outbox.
    /// </summary>
    private static async Task<object> UploadAsync(NodeSession session, string cell, HttpContext context)
    {
        var name = Path.GetFileName(context.Request.Query["name"].ToString());
        if (name.Length == 0 || name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
        {
            throw new ArgumentException("Give the file's name.");
        }

        if (!session.Unlocked)
        {
            throw new UiLockedException(session.LockReason ?? "locked");
        }

        var directory = Path.Combine(session.Uploads, Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8)));
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name);
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true);
        await using (file.ConfigureAwait(false))
        {
            await context.Request.Body.CopyToAsync(file, context.RequestAborted).ConfigureAwait(false);
        }

        try
        {
            var notices = await session.RunAsync((node, ct) => node.SendFileAsync(cell, path, null, ct)).ConfigureAwait(false);
            Directory.Delete(directory, recursive: true);
            return new { notices };
        }
        catch (Exception e) when (e is not RelayUnreachableException)
        {
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    private static async Task<object> Notices(Task<IReadOnlyList<string>> operation) => new { notices = await operation.ConfigureAwait(false) };

    private static string[] Names(NamesRequest request)
        => request.Names is { Length: > 0 } names ? names : throw new ArgumentException("Choose at least one.");
}
