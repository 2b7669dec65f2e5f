using System.Buffers.Text;
using System.Globalization;
using Courier.Node;

namespace Courier.TestKit;

/// <summary>
/// Three relay processes that mix with one another (issue 14, docs/mixnet.md): the layer a node reaches
/// with mix routing. Each keeps its store, mix keys and replay tags in a directory of its own, so a
/// relay killed and restarted comes back with its identity and what it stored.
/// </summary>
public sealed class MixLayer : IDisposable
{
    private static readonly TimeSpan MinRelayRetry = TimeSpan.FromSeconds(30);

    private static readonly string[] DirectRoutes = ["create_drop", "append", "fetch", "trim"];

    private readonly TempDirectory _dir;
    private readonly string[][] _arguments;
    private readonly RelayProcess[] _relays;

    private MixLayer(TempDirectory dir, string[][] arguments, RelayProcess[] relays)
    {
        _dir = dir;
        _arguments = arguments;
        _relays = relays;
        Addresses = [.. relays.Select(r => r.Address)];
        Pins = [.. relays.Select(r => Base64Url.DecodeFromChars(r.MixIdentityKey ?? throw new InvalidOperationException("a relay of the layer does not mix")))];
    }

    /// <summary>The relays' addresses, in the order of <see cref="Pins"/>.</summary>
    public IReadOnlyList<Uri> Addresses { get; }

    /// <summary>Their mix identity keys, as a layer pins them.</summary>
    public IReadOnlyList<byte[]> Pins { get; }

    /// <summary>
    /// <paramref name="options"/>' clock, key stretching, timeouts and relays, for tests through the mix:
    /// no mix delays, a reply that does not come within 5 s sent again on another path (the defaults, 50 ms
    /// a hop and 10 s, suit real use), and at least 30 s of retries (the default), so that replies slowed
    /// past their timeout on a loaded machine (three cold relay processes) are retried rather than the
    /// operation failing after one or two attempts.
    /// </summary>
    /// <param name="options">The test's options.</param>
    /// <param name="relayRetry">Exactly this retry budget instead (a test that waits for a request to fail).</param>
    public static NodeOptions Options(NodeOptions options, TimeSpan? relayRetry = null) => new()
    {
        Time = options.Time,
        Kdf = options.Kdf,
        FirstContactTimeout = options.FirstContactTimeout,
        RelayRetry = relayRetry ?? (options.RelayRetry < MinRelayRetry ? MinRelayRetry : options.RelayRetry),
        RejoinCheck = options.RejoinCheck,
        Relays = options.Relays,
        Route = RelayRoute.Mix,
        MixDelay = TimeSpan.Zero,
        MixReplyTimeout = TimeSpan.FromSeconds(5),
    };

    /// <summary>
    /// A relay outside the layer, for first contacts (null unless asked for), so that no relay of the
    /// layer ever serves a drop request directly and a test can assert exactly that.
    /// </summary>
    public RelayProcess? ContactRelay { get; private init; }

    /// <summary>Starts three mixing relays on 127.0.0.1, each given <paramref name="arguments"/> too (a store, a retention), and with <paramref name="contactRelay"/> a fourth outside the layer.</summary>
    public static async Task<MixLayer> StartAsync(IReadOnlyList<string>? arguments = null, bool contactRelay = false)
    {
        var dir = new TempDirectory();
        var listen = Enumerable.Range(0, 4).Select(_ => $"127.0.0.1:{RelayProcess.FreePort()}").ToArray();
        var all = listen.Take(3).Select((address, i) => (string[])
            [
                .. arguments ?? [], "--listen", address, "--data", Path.Combine(dir.Path, $"relay{i}"),
                .. listen.Take(3).Where(peer => peer != address).SelectMany(peer => new[] { "--mix-peer", $"http://{peer}/" }),
            ]).ToArray();
        var contact = contactRelay ? RelayProcess.StartAsync([.. arguments ?? [], "--listen", listen[3], "--data", Path.Combine(dir.Path, "contact")]) : Task.FromResult<RelayProcess>(null!);
        var started = await Task.WhenAll(all.Select(a => RelayProcess.StartAsync(a)));
        return new MixLayer(dir, all, started) { ContactRelay = await contact };
    }

    /// <summary>Which relay of the layer is at <paramref name="address"/> (as a node records it).</summary>
    public int IndexOf(string address) => Array.FindIndex(_relays, r => r.Address.ToString() == address);

    /// <summary>
    /// The drop requests relay <paramref name="i"/> served since it (re)started, from its /metrics: those
    /// that came to it directly (create, append, fetch, trim) and those it performed as the last hop of a
    /// mix packet. A test through the mix checks with it that its requests did not go direct.
    /// </summary>
    public async Task<(long Direct, long Mixed)> DropRequestsAsync(int i)
    {
        using var http = new HttpClient { BaseAddress = _relays[i].Address };
        long direct = 0, mixed = 0;
        foreach (var line in (await http.GetStringAsync("/metrics")).Split('\n'))
        {
            if (DirectRoutes.Any(route => line.StartsWith($"courier_relay_requests_total{{route=\"{route}\"", StringComparison.Ordinal)))
            {
                direct += Count(line);
            }
            else if (line.StartsWith("courier_mix_packets_total{outcome=\"performed\"} ", StringComparison.Ordinal))
            {
                mixed += Count(line);
            }
        }

        return (direct, mixed);

        static long Count(string line) => long.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
    }

    /// <summary>SIGKILLs relay <paramref name="i"/>.</summary>
    public void Kill(int i) => _relays[i].Kill();

    /// <summary>Starts relay <paramref name="i"/> again, with its data, on its address (after <see cref="Kill"/>).</summary>
    public async Task RestartAsync(int i)
    {
        _relays[i].Dispose();
        _relays[i] = await RelayProcess.StartAsync(_arguments[i]);
    }

    public void Dispose()
    {
        foreach (var relay in _relays)
        {
            relay.Dispose();
        }

        ContactRelay?.Dispose();

        _dir.Dispose();
    }
}
