using System.Buffers.Text;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Courier.Mix;
using Courier.Relay.Client.Mix;

namespace Courier.Relay.Tests.Mix;

/// <summary>
/// A sender that builds each relay request as a Sphinx packet by hand: the forward path and the
/// SURB's path are the test's, the packet goes to the first hop and the reply is collected from the
/// SURB's last hop. As an <see cref="HttpMessageHandler"/> under a <c>RelayClient</c> it signs
/// requests exactly as over HTTP. Each packet is of the smallest size that holds its request, as a node
/// sends it. <see cref="LastPacket"/> keeps what it sent, for replays.
/// </summary>
internal sealed class HandBuiltMix(HttpClient entry, Func<byte[], IReadOnlyList<PathHop>> forward, Func<byte[], IReadOnlyList<PathHop>> replyPath) : HttpMessageHandler
{
    public static readonly Sphinx Small = new(new SphinxGeometry(SphinxGeometry.HopLimit, MixMessages.SmallMessageLength));

    public static readonly Sphinx Large = new(new SphinxGeometry(SphinxGeometry.HopLimit, MixMessages.LargeMessageLength));

    public byte[] LastPacket { get; private set; } = [];

    /// <summary>Replaces the packet before it is sent (a flipped bit, say).</summary>
    public Action<byte[]>? Tamper { get; set; }

    /// <summary>How long to wait for the reply.</summary>
    public TimeSpan ReplyWait { get; set; } = TimeSpan.FromSeconds(20);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var surbId = RandomNumberGenerator.GetBytes(SphinxGeometry.SurbIdLength);
        var (surb, keys) = Small.CreateSurb(replyPath(surbId));
        using (keys)
        {
            var mixRequest = await MixMessages.FromHttpAsync(request, surb, cancellationToken);
            var message = MixMessages.Encode(mixRequest);
            var packet = SizeOf(MixMessages.MessageLengthFor(message.Length)).CreatePacket(forward(surbId), message);
            LastPacket = packet.ToArray();
            Tamper?.Invoke(packet);
            using (var posted = await PostAsync(entry, packet, cancellationToken))
            {
                if (posted.StatusCode != System.Net.HttpStatusCode.Accepted)
                {
                    return new HttpResponseMessage(posted.StatusCode) { Content = new ByteArrayContent(await posted.Content.ReadAsByteArrayAsync(cancellationToken)) };
                }
            }

            using var reply = await entry.GetAsync($"/v1/mix/replies/{Base64Url.EncodeToString(surbId)}?wait={(int)ReplyWait.TotalSeconds}", cancellationToken);
            if (!reply.IsSuccessStatusCode)
            {
                throw new HttpRequestException("no reply came back through the SURB");
            }

            var answer = MixMessages.DecodeAnswer(SizeOf(mixRequest.ReplyLength).DecryptReply(keys, await reply.Content.ReadAsByteArrayAsync(cancellationToken)));
            return MixMessages.ToHttp(answer, request);
        }
    }

    public static Sphinx SizeOf(int messageLength) => messageLength == MixMessages.SmallMessageLength ? Small : Large;

    public static async Task<HttpResponseMessage> PostAsync(HttpClient relay, byte[] packet, CancellationToken cancellationToken = default)
    {
        using var content = new ByteArrayContent(packet);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return await relay.PostAsync("/v1/mix/packets", content, cancellationToken);
    }
}
