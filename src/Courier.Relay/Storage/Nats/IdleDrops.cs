using System.Globalization;
using Courier.Relay.Client;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Courier.Relay.Storage.Nats;

/// <summary>
/// Deletes drops idle past the retention period, with their read keys and envelopes. The drops
/// bucket is a stream in which each write of a key replaces the key's earlier message (history 1),
/// so the stream's front holds the entries written longest ago: a sweep reads from the front and
/// stops at the first entry in use, never scanning the live drops.
/// </summary>
internal sealed class IdleDrops(INatsJSContext js, INatsJSStream bucket, LogReader log)
{
    private const string Prefix = "$KV.courier_drops.";
    private const int MaxPerSweep = 100_000;

    /// <summary>Deletes drops last used at or before <paramref name="cutoff"/> (Unix ms) that hold no envelope; returns those that went.</summary>
    public async Task<List<DropName>> SweepAsync(long cutoff, CancellationToken cancellationToken)
    {
        var deleted = new List<DropName>();
        ulong from = 1;
        for (int examined = 0; examined < MaxPerSweep; examined++)
        {
            StoredMessage message;
            try
            {
                message = (await bucket.GetAsync(new StreamMsgGetRequest { Seq = from, NextBySubj = Prefix + ">" }, cancellationToken).ConfigureAwait(false)).Message;
            }
            catch (NatsJSApiException ex) when (ex.Error.ErrCode == JetStreamErrors.NoMessageFound || ex.Error.Code == 404)
            {
                break;
            }

            from = message.Seq + 1;
            if (message.Data.Length == 0)
            {
                // A delete or purge marker (a released nameplate's drop): dropping it changes nothing a
                // reader sees, and keeps markers from piling up at the front.
                await bucket.PurgeAsync(new StreamPurgeRequest { Filter = message.Subject, Seq = message.Seq + 1 }, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var (_, _, used) = NatsKeyValue.ParseMeta(message.Data.Span);
            // An entry from before uses were recorded counts from when it was last written.
            long lastUse = used != 0 ? used : message.Time.ToUnixTimeMilliseconds();
            if (lastUse > cutoff)
            {
                break;
            }

            // A drop still holding envelopes is not idle (they expire by the streams' age, on the servers' clocks).
            if (DropName.TryParse(message.Subject.AsSpan(Prefix.Length), out var drop)
                && await log.FirstLiveAsync(drop, cancellationToken).ConfigureAwait(false) == 0
                && await TryDeleteAsync(drop, message, cancellationToken).ConfigureAwait(false))
            {
                deleted.Add(drop);
            }
        }

        return deleted;
    }

    /// <summary>Deletes the drop if its entry is still <paramref name="seen"/>: a touch in between wins.</summary>
    private async Task<bool> TryDeleteAsync(DropName drop, StoredMessage seen, CancellationToken cancellationToken)
    {
        var headers = new NatsHeaders
        {
            ["KV-Operation"] = "PURGE",
            ["Nats-Rollup"] = "sub",
            ["Nats-Expected-Last-Subject-Sequence"] = seen.Seq.ToString(CultureInfo.InvariantCulture),
        };
        var ack = await js.TryPublishAsync(seen.Subject, Array.Empty<byte>(), headers: headers, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!ack.Success || ack.Value.Error is not null)
        {
            return false;
        }

        // The marker goes too, and only up to it: a drop created again under this name after it stays.
        await bucket.PurgeAsync(new StreamPurgeRequest { Filter = seen.Subject, Seq = ack.Value.Seq + 1 }, cancellationToken).ConfigureAwait(false);
        await log.PurgeAsync(drop, cancellationToken).ConfigureAwait(false);
        return true;
    }
}
