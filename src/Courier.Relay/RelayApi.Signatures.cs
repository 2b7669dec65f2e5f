using System.Globalization;
using Courier.Relay.Client;
using Courier.Relay.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Courier.Relay;

/// <summary>Signed requests (docs/relay-api.md, "Signed requests" and "Write-authorized drops").</summary>
internal sealed partial class RelayApi
{
    /// <summary>
    /// Refuses an append to a write-authorized drop that is not signed with its append key. Appends
    /// skip the replay window: the signature covers the message id, so a replay within the freshness
    /// window is answered as the duplicate it is (ids are remembered longer than the window) and
    /// stores nothing, and no append costs a second durable write.
    /// </summary>
    private void AuthorizeAppend(HttpContext ctx, DropName drop, ReadOnlyMemory<byte> appendKey, MessageId messageId, byte[] envelope)
    {
        if (!appendKey.IsEmpty)
        {
            Verify(ctx, drop, appendKey, envelope, messageId);
        }
    }

    private async Task AuthenticateAsync(HttpContext ctx, DropName drop, ReadOnlyMemory<byte> readKey, byte[] body)
        => await RememberAsync(ctx, drop, Verify(ctx, drop, readKey, body)).ConfigureAwait(false);

    /// <summary>
    /// Checks the signature headers against <paramref name="key"/> (the drop's read key, or its append
    /// key when <paramref name="appendOf"/>, the append's message id, is given) and the freshness
    /// window; returns the nonce and timestamp.
    /// </summary>
    private (byte[] Nonce, long Timestamp) Verify(HttpContext ctx, DropName drop, ReadOnlyMemory<byte> key, byte[] body, MessageId? appendOf = null)
    {
        var timestampText = SingleHeader(ctx, RequestSignature.TimestampHeader);
        var nonceText = SingleHeader(ctx, RequestSignature.NonceHeader);
        var signatureText = SingleHeader(ctx, RequestSignature.SignatureHeader);
        if (timestampText is null || nonceText is null || signatureText is null)
        {
            throw new RelayProblem(401, "unauthenticated", "this request must be signed with the drop's key (Courier-Timestamp, Courier-Nonce, Courier-Signature)");
        }

        if (timestampText.Length is 0 or > 12 || !long.TryParse(timestampText, NumberStyles.None, CultureInfo.InvariantCulture, out long timestamp))
        {
            throw RelayProblem.BadRequest("bad_timestamp", "Courier-Timestamp must be Unix seconds");
        }

        var nonce = new byte[RequestSignature.NonceSize];
        if (!WireBase64.TryDecode(nonceText, nonce))
        {
            throw RelayProblem.BadRequest("bad_nonce", "Courier-Nonce must be 16 bytes in unpadded base64url");
        }

        var signature = new byte[RequestSignature.SignatureSize];
        if (!WireBase64.TryDecode(signatureText, signature))
        {
            throw RelayProblem.BadRequest("bad_signature_encoding", "Courier-Signature must be 64 bytes in unpadded base64url");
        }

        long now = options.Time.GetUtcNow().ToUnixTimeSeconds();
        long window = (long)options.FreshnessWindow.TotalSeconds;
        if (timestamp < now - window || timestamp > now + window)
        {
            throw new RelayProblem(401, "stale_request", "Courier-Timestamp is outside the relay's freshness window; check the clock");
        }

        var target = ctx.Features.Get<IHttpRequestFeature>()?.RawTarget ?? string.Empty;
        var message = appendOf is { } messageId
            ? RequestSignature.AppendMessage(target, drop.ToString(), timestamp, nonce, messageId.ToString(), body)
            : RequestSignature.Message(ctx.Request.Method, target, drop.ToString(), timestamp, nonce, body);
        if (!RequestSignature.Verify(key.Span, message, signature))
        {
            throw new RelayProblem(401, "bad_signature", "the signature does not verify with the drop's key for this request");
        }

        return (nonce, timestamp);
    }

    /// <summary>Remembers a verified request's nonce in its drop's replay window; refuses a replay, or a drop that signed too much this second.</summary>
    private async Task RememberAsync(HttpContext ctx, DropName drop, (byte[] Nonce, long Timestamp) signed)
    {
        // Only verified requests reach a drop's window, and only that drop's key holders can fill it.
        var expires = DateTimeOffset.FromUnixTimeSeconds(signed.Timestamp + (long)options.FreshnessWindow.TotalSeconds + 1);
        var outcome = await store.TryRememberNonceAsync(drop, signed.Nonce, signed.Timestamp, expires, ctx.RequestAborted).ConfigureAwait(false);
        if (outcome == NonceOutcome.Replayed)
        {
            throw new RelayProblem(401, "replayed_request", "this nonce was used before; sign again");
        }

        if (outcome == NonceOutcome.Busy)
        {
            throw new RelayProblem(429, "busy", "too many signed requests for this drop in one second; retry shortly");
        }
    }

}
