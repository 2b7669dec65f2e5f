using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Courier.Relay.Client;
using Microsoft.AspNetCore.Http;

namespace Courier.Relay;

/// <summary>
/// Request bodies: refused by their headers before anything is read (size, content type, envelope
/// size class), then read into a buffer that grows as bytes arrive.
/// </summary>
internal static class RequestBody
{
    /// <summary>Refuses a declared length over <paramref name="limit"/> (413) and a content type other than <paramref name="contentType"/> (415).</summary>
    public static void CheckHeaders(HttpContext ctx, int limit, string? contentType)
    {
        if (ctx.Request.ContentLength > limit)
        {
            throw TooLarge(limit);
        }

        if (contentType is not null && ctx.Request.ContentType is { } given
            && !given.Split(';')[0].Trim().Equals(contentType, StringComparison.OrdinalIgnoreCase))
        {
            throw new RelayProblem(415, "unsupported_media_type", $"the body must be {contentType}");
        }
    }

    /// <summary>Refuses an envelope length that is not one of the padding buckets (422); a nameplate takes 1 or 4 KiB only.</summary>
    public static void CheckEnvelopeSize(int length, bool nameplate)
    {
        bool allowed = nameplate ? EnvelopeSizes.IsAllowedOnNameplate(length) : EnvelopeSizes.IsAllowed(length);
        if (!allowed)
        {
            throw new RelayProblem(422, "bad_envelope_size", nameplate ? "nameplate envelopes are 1024 or 4096 bytes" : "envelopes are 1024, 4096, 16384 or 65536 bytes");
        }
    }

    /// <summary>Reads the whole body, refusing more than <paramref name="limit"/> bytes (413) and a wrong content type (415).</summary>
    public static async Task<byte[]> ReadAsync(HttpContext ctx, int limit, string? contentType)
    {
        var request = ctx.Request;
        CheckHeaders(ctx, limit, contentType);

        // Grown as bytes arrive, so a body trickled in holds only what it sent.
        var buffer = new byte[Math.Min(Math.Min(limit, (int?)request.ContentLength ?? limit), 4096) + 1];
        int filled = 0;
        while (true)
        {
            int read = await request.Body.ReadAsync(buffer.AsMemory(filled), ctx.RequestAborted).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            filled += read;
            if (filled == buffer.Length)
            {
                if (filled > limit)
                {
                    throw TooLarge(limit);
                }

                Array.Resize(ref buffer, Math.Min(limit + 1, buffer.Length * 2));
            }
        }

        return buffer.AsSpan(0, filled).ToArray();
    }

    public static T ParseJson<T>(byte[] body, JsonTypeInfo<T> type)
    {
        try
        {
            return JsonSerializer.Deserialize(body, type) ?? throw RelayProblem.BadRequest("bad_json", "the body must be a JSON object");
        }
        catch (JsonException)
        {
            throw RelayProblem.BadRequest("bad_json", "the body is not the expected JSON object (see docs/relay-api.md)");
        }
    }

    private static RelayProblem TooLarge(int limit) => new(413, "too_large", $"the body may be at most {limit} bytes");
}
