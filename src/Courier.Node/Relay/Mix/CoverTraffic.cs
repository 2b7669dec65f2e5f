using System.Security.Cryptography;
using Courier.Node.Cells;

namespace Courier.Node.Relay.Mix;

/// <summary>
/// Cover traffic (docs/mixnet.md, "Cover traffic"): while the node runs, packets at exponential
/// intervals of mean 1 / <see cref="NodeOptions.CoverRate"/> through a random layer it reaches through
/// the mix, half loops (a fetch of a random drop whose answer returns to the node) and half drop packets
/// (discarded by their last hop), so that how often a node sends says less about when it writes.
/// </summary>
internal sealed class CoverTraffic : IDisposable
{
    private readonly NodeOptions _options;
    private readonly List<MixHandler> _layers = [];
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _loopsBack;

    public CoverTraffic(NodeOptions options, IEnumerable<LayerRecord> layers)
    {
        _options = options;
        foreach (var layer in layers)
        {
            Add(layer);
        }

        _loop = Task.Run(RunAsync);
    }

    /// <summary>Loops that came back (for tests: cover traffic flows).</summary>
    public long LoopsBack => Interlocked.Read(ref _loopsBack);

    /// <summary>Sends cover through <paramref name="layer"/> too, when the node reaches it through the mix.</summary>
    public void Add(LayerRecord layer)
    {
        if (!MixRoute.Qualifies(layer))
        {
            return;
        }

        // One handler per relay as the last hop, so each packet's whole path is drawn at random.
        lock (_gate)
        {
            _layers.AddRange(layer.Relays.Select(target => new MixHandler(target, layer.Relays, layer.MixPins, _options)));
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _loop.Wait();
        }
        catch (AggregateException)
        {
            // Stopped.
        }

        foreach (var handler in _layers)
        {
            handler.Dispose();
        }

        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            double uniform = (RandomNumberGenerator.GetInt32(int.MaxValue) + 1.0) / int.MaxValue;
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(-Math.Log(uniform) / _options.CoverRate), _options.Time, token).ConfigureAwait(false);
                MixHandler? handler;
                lock (_gate)
                {
                    handler = _layers.Count == 0 ? null : _layers[RandomNumberGenerator.GetInt32(_layers.Count)];
                }

                if (handler is null)
                {
                    continue;
                }

                if (RandomNumberGenerator.GetInt32(2) == 0)
                {
                    await handler.SendDropAsync(token).ConfigureAwait(false);
                }
                else if (await handler.SendLoopAsync(token).ConfigureAwait(false))
                {
                    Interlocked.Increment(ref _loopsBack);
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (HttpRequestException)
            {
                // A lost cover packet is only cover lost; the next one is drawn as usual.
            }
        }
    }
}
