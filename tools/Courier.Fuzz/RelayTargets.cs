using System.Text;
using System.Text.Json;
using Courier.Node.Contacts;
using Courier.Relay.Client;
using Courier.Relay.Client.Bundles;

namespace Courier.Fuzz;

/// <summary>
/// What the relay and its client parse without a server: the JSON wire models (strict, source
/// generated; refused with <see cref="JsonException"/>) and the header and route fields (drop
/// names, message ids, base64url nonces and signatures, read keys, pins), which answer false.
/// </summary>
internal static class RelayTargets
{
    public static IEnumerable<FuzzTarget> All =>
    [
        new("relay-request", "the relay's JSON wire models (requests and answers), drop names, message ids, nonce and signature encodings, read keys, relay pins", input =>
        {
            foreach (var deserialize in WireModels)
            {
                try
                {
                    deserialize(input);
                }
                catch (JsonException)
                {
                }
            }

            var text = Encoding.UTF8.GetString(input);
            DropName.TryParse(text, out _);
            MessageId.TryParse(text, out _);
            RelayPin.TryParse(text, out _);
            WireBase64.TryDecode(text, new byte[RequestSignature.NonceSize]);
            WireBase64.TryDecode(text, new byte[RequestSignature.SignatureSize]);
            RequestSignature.IsValidPublicKey(input);
        }),
        new("bundle", "BundleReader.Open with a relay's and a cell's fixed keys (slots, whole-file MAC, sealed blocks, sections), and BundleSectionCodec.Decode of the bytes as a section's plaintext (carried by a node, or a drop a relay exported)", input =>
        {
            BundleSectionCodec.Decode(input);
            using var relay = BundleKey.ForRelay(Fixture.Bytes("bundle relay"));
            using var members = BundleKey.ForMembers(Fixture.Bytes("bundle members"));
            BundleReader.Open(input, [relay, members]);
        }, typeof(BundleException)),
    ];

    private static readonly Action<byte[]>[] WireModels =
    [
        bytes => JsonSerializer.Deserialize(bytes, WireJson.Default.CreateDropRequest),
        bytes => JsonSerializer.Deserialize(bytes, WireJson.Default.CreateDropResponse),
        bytes => JsonSerializer.Deserialize(bytes, WireJson.Default.AppendResponse),
        bytes => JsonSerializer.Deserialize(bytes, WireJson.Default.FetchResponse),
        bytes => JsonSerializer.Deserialize(bytes, WireJson.Default.TrimRequest),
        bytes => JsonSerializer.Deserialize(bytes, WireJson.Default.TrimResponse),
        bytes => JsonSerializer.Deserialize(bytes, WireJson.Default.NameplateResponse),
        bytes => JsonSerializer.Deserialize(bytes, WireJson.Default.ErrorResponse),
        bytes => JsonSerializer.Deserialize(bytes, WireJson.Default.HealthResponse),
    ];

    public static IEnumerable<(string Target, string Name, byte[] Bytes)> Seeds()
    {
        var drop = DropName.FromBytes(Fixture.Bytes("drop"));
        yield return ("relay-request", "create-drop", JsonSerializer.SerializeToUtf8Bytes(new CreateDropRequest(drop.ToString(), "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"), WireJson.Default.CreateDropRequest));
        yield return ("relay-request", "fetch", JsonSerializer.SerializeToUtf8Bytes(new FetchResponse([new EnvelopeDto(3, [1, 2, 3])], 3), WireJson.Default.FetchResponse));
        yield return ("relay-request", "trim", JsonSerializer.SerializeToUtf8Bytes(new TrimRequest(5), WireJson.Default.TrimRequest));
        yield return ("relay-request", "health", JsonSerializer.SerializeToUtf8Bytes(new HealthResponse("ok", "memory", "on", null), WireJson.Default.HealthResponse));
        yield return ("relay-request", "error", JsonSerializer.SerializeToUtf8Bytes(new ErrorResponse("no_such_drop", "there is no such drop"), WireJson.Default.ErrorResponse));
        yield return ("relay-request", "drop-name", Encoding.UTF8.GetBytes(drop.ToString()));
        // A bundle of two entries for the relay and the cell of the target's keys, and its section alone.
        using var appendKey = DropAppendKey.Import(Fixture.Bytes("bundle append"));
        BundleEntry[] entries =
        [
            BundleEntry.Authorize(appendKey, drop, MessageId.FromBytes(Fixture.Bytes("bundle message 1")[..16]), Envelope("envelope 1", EnvelopeSizes.Small)),
            BundleEntry.Authorize(appendKey, drop, MessageId.FromBytes(Fixture.Bytes("bundle message 2")[..16]), Envelope("envelope 2", EnvelopeSizes.Medium)),
        ];
        using var relay = BundleRecipient.Relay(Ed25519.PublicKeyOf(Fixture.Bytes("bundle relay")));
        using var members = BundleRecipient.Members(Fixture.Bytes("bundle members"));
        yield return ("bundle", "bundle", BundleWriter.Write([new BundleSection([relay], entries[..1]), new BundleSection([members], entries)], 1_800_000_000));
        yield return ("bundle", "section", BundleSectionCodec.Encode(1_800_000_000, new BundleSection([], entries)));
        BundleEntry[] exported = [.. entries.Select((e, i) => e with { Authorization = [], Seq = i + 1 })];
        yield return ("bundle", "exported-drop", BundleSectionCodec.Encode(1_800_000_000, new BundleSection([], exported) { DropKeys = [.. Fixture.Bytes("bundle read key"), .. appendKey.PublicKey] }));
        yield return ("relay-request", "message-id", Encoding.UTF8.GetBytes(MessageId.FromBytes(Fixture.Bytes("message")[..16]).ToString()));
    }

    // Sealed envelopes look random; the label's hash repeated is as good a stand-in.
    private static byte[] Envelope(string label, int size) => [.. Enumerable.Repeat(Fixture.Bytes(label), size / 32).SelectMany(b => b)];
}
