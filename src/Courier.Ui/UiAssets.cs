using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Courier.Ui;

/// <summary>The page, its script and its style, served from the assembly's embedded resources (no CDN, no file on disk).</summary>
internal static class UiAssets
{
    private static readonly (string Path, string Resource, string Type)[] Assets =
    [
        ("/", "wwwroot/index.html", "text/html; charset=utf-8"),
        ("/app.js", "wwwroot/app.js", "text/javascript; charset=utf-8"),
        ("/app.css", "wwwroot/app.css", "text/css; charset=utf-8"),
    ];

    public static void Map(WebApplication app)
    {
        foreach (var (path, resource, type) in Assets)
        {
            var content = Read(resource);
            app.MapGet(path, () => Results.Bytes(content, type));
        }
    }

    private static byte[] Read(string resource)
    {
        using var stream = typeof(UiAssets).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The UI's resource {resource} is missing from the build.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
