using System.Buffers.Text;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Courier.Relay.Client;
using CsCheck;

namespace Courier.Relay.Tests;

/// <summary>
/// Thousands of random and mutated requests against a live relay: none may get a 5xx, every
/// refusal is a 4xx with a JSON error, and a correct client interleaved with them keeps being
/// served correctly.
/// </summary>
public sealed class FuzzTests
{
    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];
    private static readonly string[] Nasty = ["%00", "%2F", "%", "..", "/", "?", "&", "=", "%C3%A9", "%E2%80%AE", "%FF", "0", "-1", "99999999999999999999", " ", "%20", "*", ">", "A", "_", "-", "."];
    private static readonly string[] QueryJunk = ["&after=-1", "&after=1&after=2", "&wait=61", "&wait=99999999999999999999", "&limit=0", "&limit=100000", "&x=1", "&after=", "&after=1e3", "&wait=%2B1", "?after=0", "&limit=1.5", "&after=0x10"];
    private static readonly string[] HeaderNames = [RequestSignature.TimestampHeader, RequestSignature.NonceHeader, RequestSignature.SignatureHeader, RequestSignature.MessageIdHeader, RequestSignature.NameplateClaimHeader];
    private static readonly string[] HeaderJunk = ["", "0", "-5", "abc", "AAAAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAAA==", "9999999999999", "1e9", new string('A', 86), new string('A', 3000), "%C3%A9", "=?utf-8?", "1700000000"];
    private static readonly string[] JsonJunk =
    [
        "", "{", "}", "[]", "null", "0", "\"x\"", "{}", "{\"drop\":null,\"readKey\":null}", "{\"drop\":1,\"readKey\":2}",
        "{\"through\":-1}", "{\"through\":1e30}", "{\"through\":\"1\"}", "{\"through\":0,\"extra\":1}", "{\"through\":0} trailing",
        "{\"drop\":\"AAAA\",\"readKey\":\"AAAA\"}", new string('[', 5000), "{\"through\":99999999999999999999999}", "\u0000\u0001",
    ];
    private static readonly string[] ContentTypes = ["application/json", "application/octet-stream", "text/plain", "multipart/form-data; boundary=x", "application/json; charset=utf-16", "", "x/y"];

    [Fact]
    public async Task Random_and_mutated_requests_never_get_a_5xx_and_correct_clients_keep_working()
    {
        await using var relay = await TestRelay.StartAsync();
        using var http = new HttpClient { BaseAddress = relay.Host.Address, Timeout = TimeSpan.FromSeconds(3) };
        var good = new GoodClient(relay.Client);
        await good.StartAsync();
        var fuzzer = new Fuzzer(relay.Client);
        await fuzzer.StartAsync();
        int iteration = 0;
        var statuses = new Dictionary<int, int>();

        var gen = Gen.Select(Gen.Int[0, Fuzzer.TemplateCount - 1], Gen.Select(Gen.Int[0, 14], Gen.Int[0, 1_000_000]).Array[0, 3]);
        await gen.SampleAsync(async (template, mutations) =>
        {
            var request = fuzzer.Build(template);
            bool replay = false;
            foreach (var (op, p) in mutations)
            {
                replay |= Mutate(request, op, p);
            }

            int status = await SendAndCheckAsync(http, request);
            if (replay)
            {
                status = await SendAndCheckAsync(http, request);
            }

            lock (statuses)
            {
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
            }

            if (Interlocked.Increment(ref iteration) % 20 == 0)
            {
                await good.StepAsync();
            }
        }, iter: 3000, threads: 1, seed: null);

        await good.VerifyAsync();
        // The run must have exercised both acceptance and refusal.
        Assert.Contains(statuses.Keys, s => s is >= 200 and < 300);
        Assert.True(statuses.Keys.Count(s => s >= 400) >= 8, "few distinct refusals: " + string.Join(", ", statuses.Keys.Order()));
    }

    private static bool Mutate(RawRequest r, int op, int p)
    {
        switch (op)
        {
            case 0:
                r.Method = Methods[p % Methods.Length];
                break;
            case 1 when r.Target.Length > 1:
                int at = 1 + (p % (r.Target.Length - 1));
                r.Target = r.Target[..at] + Nasty[p % Nasty.Length] + r.Target[(at + 1)..];
                break;
            case 2 when r.Target.Length > 1:
                r.Target = r.Target[..(1 + (p % (r.Target.Length - 1)))];
                break;
            case 3:
                r.Target += (r.Target.Contains('?', StringComparison.Ordinal) ? "" : "?x=0") + QueryJunk[p % QueryJunk.Length];
                break;
            case 4 when r.Headers.Count > 0:
                r.Headers.RemoveAt(p % r.Headers.Count);
                break;
            case 5:
                var name = HeaderNames[p % HeaderNames.Length];
                r.Headers.RemoveAll(h => h.Name == name);
                r.Headers.Add((name, HeaderJunk[(p / 7) % HeaderJunk.Length]));
                break;
            case 6 when r.Headers.Count > 0:
                r.Headers.Add(r.Headers[p % r.Headers.Count]);
                break;
            case 7 when r.Body is { Length: > 0 }:
                r.Body[p % r.Body.Length] ^= (byte)(1 << (p % 8));
                break;
            case 8 when r.Body is { Length: > 0 }:
                r.Body = r.Body[..(p % r.Body.Length)];
                break;
            case 9:
                int[] sizes = [1, 1023, 1025, 4095, 4097, 16383, 16385, 65535, 65536, 32768];
                r.Body = RandomNumberGenerator.GetBytes(sizes[p % sizes.Length]);
                break;
            case 10:
                int[] big = [65537, 66 * 1024, 200_000];
                r.Body = new byte[big[p % big.Length]];
                break;
            case 11:
                r.Body = Encoding.UTF8.GetBytes(JsonJunk[p % JsonJunk.Length]);
                break;
            case 12:
                r.ContentType = ContentTypes[p % ContentTypes.Length];
                break;
            case 13:
                return true;
            case 14:
                r.Target = r.Target.Replace("/v1/drops/", "/v1/drops/" + (p % 2 == 0 ? DropName.NewRandom().ToString() : "x") + "/", StringComparison.Ordinal);
                break;
        }

        return false;
    }

    private static async Task<int> SendAndCheckAsync(HttpClient http, RawRequest r)
    {
        // Absolute, so a mutated target such as "//x" stays a path on the relay and never names another host.
        using var request = new HttpRequestMessage(new HttpMethod(r.Method), new Uri(http.BaseAddress!.GetLeftPart(UriPartial.Authority) + r.Target));
        Assert.True(request.RequestUri!.IsLoopback);
        if (r.Body is not null)
        {
            request.Content = new ByteArrayContent(r.Body);
            if (r.ContentType.Length > 0 && MediaTypeHeaderValue.TryParse(r.ContentType, out var type))
            {
                request.Content.Headers.ContentType = type;
            }
        }

        foreach (var (name, value) in r.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request);
        }
        catch (TaskCanceledException) when (r.Method == "GET" && r.Target.StartsWith("/v1/nameplates/", StringComparison.Ordinal))
        {
            // An unsigned nameplate long-poll that is still, correctly, waiting.
            return 0;
        }

        using (response)
        {
            int status = (int)response.StatusCode;
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(status < 500, $"{r.Method} {r.Target} got {status}: {body}");
            // Kestrel itself refuses requests it cannot parse as HTTP (an encoded NUL in the path, an
            // oversized header block or request line) before any relay code runs: a bare status and a
            // closed connection. Everything the relay answers carries a JSON error.
            bool protocolRejection = status is 400 or 414 or 431 && body.Length == 0 && response.Headers.ConnectionClose == true;
            if (status >= 400 && r.Method != "HEAD" && !protocolRejection)
            {
                Assert.True(response.Content.Headers.ContentType?.MediaType == "application/json", $"{r.Method} {r.Target} got {status} without a JSON error: {body}");
                var error = JsonDocument.Parse(body).RootElement.GetProperty("error").GetString();
                Assert.False(string.IsNullOrEmpty(error));
            }

            return status;
        }
    }

    private sealed class RawRequest
    {
        public string Method { get; set; } = "GET";

        public string Target { get; set; } = "/";

        public List<(string Name, string Value)> Headers { get; } = [];

        public byte[]? Body { get; set; }

        public string ContentType { get; set; } = "application/octet-stream";
    }

    /// <summary>Builds valid requests of each kind for a drop and a nameplate of its own, to be mutated.</summary>
    private sealed class Fuzzer(RelayClient client)
    {
        public const int TemplateCount = 10;
        private readonly DropReadKey _key = DropReadKey.Create();
        private readonly DropName _drop = DropName.NewRandom();
        private NameplateClaim _nameplate = null!;

        public async Task StartAsync()
        {
            await client.CreateDropAsync(_drop, _key, null);
            await client.AppendAsync(_drop, null, new byte[EnvelopeSizes.Small], MessageId.NewRandom());
            _nameplate = await client.AllocateNameplateAsync();
        }

        public RawRequest Build(int template)
        {
            string drop = _drop.ToString();
            string plate = _nameplate.Number.ToString(CultureInfo.InvariantCulture);
            return template switch
            {
                0 => CreateDrop(),
                1 => Append($"/v1/drops/{drop}/envelopes", EnvelopeSizes.Small),
                2 => Signed("GET", $"/v1/drops/{drop}/envelopes?after=0&limit=64&wait=0", _drop, [], null),
                3 => Signed("POST", $"/v1/drops/{drop}/trim", _drop, Encoding.UTF8.GetBytes("{\"through\":0}"), "application/json"),
                4 => new RawRequest { Method = "POST", Target = "/v1/nameplates" },
                5 => Claimed(Append($"/v1/nameplates/{plate}/envelopes", EnvelopeSizes.Small)),
                6 => Claimed(new RawRequest { Method = "GET", Target = $"/v1/nameplates/{plate}/envelopes?after=0&wait=0" }),
                7 => Random.Shared.Next(2) == 0
                    ? new RawRequest { Method = "POST", Target = $"/v1/nameplates/{Random.Shared.Next(1, 100_000)}/join" }
                    : Claimed(new RawRequest { Method = "DELETE", Target = $"/v1/nameplates/{Random.Shared.Next(1, 100_000)}" }),
                8 => new RawRequest { Method = "GET", Target = "/healthz" },
                _ => new RawRequest { Method = "GET", Target = "/metrics" },
            };
        }

        private RawRequest Claimed(RawRequest r)
        {
            r.Headers.Add((RequestSignature.NameplateClaimHeader, _nameplate.Claim));
            return r;
        }

        private static RawRequest Append(string target, int size)
        {
            var r = new RawRequest { Method = "POST", Target = target, Body = new byte[size] };
            r.Headers.Add((RequestSignature.MessageIdHeader, MessageId.NewRandom().ToString()));
            return r;
        }

        private RawRequest CreateDrop()
        {
            var drop = DropName.NewRandom();
            var body = JsonSerializer.SerializeToUtf8Bytes(new CreateDropRequest(drop.ToString(), Base64Url.EncodeToString(_key.PublicKey)), WireJson.Default.CreateDropRequest);
            return Signed("POST", "/v1/drops", drop, body, "application/json");
        }

        private RawRequest Signed(string method, string target, DropName drop, byte[] body, string? contentType)
        {
            long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            var nonce = RandomNumberGenerator.GetBytes(16);
            var signature = _key.Sign(RequestSignature.Message(method, target, drop.ToString(), now, nonce, body));
            var r = new RawRequest { Method = method, Target = target, Body = contentType is null ? null : body, ContentType = contentType ?? "" };
            r.Headers.Add((RequestSignature.TimestampHeader, now.ToString(CultureInfo.InvariantCulture)));
            r.Headers.Add((RequestSignature.NonceHeader, Base64Url.EncodeToString(nonce)));
            r.Headers.Add((RequestSignature.SignatureHeader, Base64Url.EncodeToString(signature)));
            return r;
        }
    }

    /// <summary>A well-behaved client whose every answer is checked while the fuzzer runs.</summary>
    private sealed class GoodClient(RelayClient client)
    {
        private readonly DropReadKey _key = DropReadKey.Create();
        private readonly DropName _drop = DropName.NewRandom();
        private readonly List<byte[]> _sent = [];

        public Task StartAsync() => client.CreateDropAsync(_drop, _key, null);

        public async Task StepAsync()
        {
            int size = EnvelopeSizes.All[_sent.Count % EnvelopeSizes.All.Count];
            var envelope = RandomNumberGenerator.GetBytes(size);
            var id = MessageId.NewRandom();
            var receipt = await client.AppendAsync(_drop, null, envelope, id);
            _sent.Add(envelope);
            Assert.Equal(new AppendReceipt(_sent.Count, false), receipt);
            Assert.Equal(new AppendReceipt(_sent.Count, true), await client.AppendAsync(_drop, null, envelope, id));
            var fetched = await client.FetchAsync(_drop, _key, _sent.Count - 1);
            Assert.Equal(envelope, Assert.Single(fetched.Envelopes).Data);

            if (_sent.Count % 10 == 0)
            {
                var plate = await client.AllocateNameplateAsync();
                var acceptor = await client.JoinNameplateAsync(plate.Number);
                var message = RandomNumberGenerator.GetBytes(EnvelopeSizes.Small);
                await client.AppendToNameplateAsync(acceptor, message, MessageId.NewRandom());
                Assert.Equal(message, Assert.Single((await client.FetchNameplateAsync(plate, 0)).Envelopes).Data);
                await client.ReleaseNameplateAsync(plate);
            }
        }

        public async Task VerifyAsync()
        {
            var all = new List<FetchedEnvelope>();
            long after = 0;
            while (true)
            {
                var page = await client.FetchAsync(_drop, _key, after, limit: 256);
                if (page.Envelopes.Count == 0)
                {
                    break;
                }

                all.AddRange(page.Envelopes);
                after = page.Envelopes[^1].Seq;
            }

            Assert.Equal(_sent.Count, all.Count);
            Assert.True(_sent.Count >= 100, $"the correct client made only {_sent.Count} appends");
            for (int i = 0; i < all.Count; i++)
            {
                Assert.Equal(i + 1, all[i].Seq);
                Assert.Equal(_sent[i], all[i].Data);
            }
        }
    }
}
