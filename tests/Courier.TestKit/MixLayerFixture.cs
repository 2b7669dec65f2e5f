namespace Courier.TestKit;

/// <summary>
/// One <see cref="MixLayer"/> for all the tests of a class (a class fixture), started when a test first
/// asks for it, so that a class whose mix-routed cases are filtered out starts no relay; with a contact relay outside the layer.
/// </summary>
public sealed class MixLayerFixture : IDisposable
{
    private readonly Lazy<Task<MixLayer>> _layer = new(() => MixLayer.StartAsync(contactRelay: true));

    /// <summary>The layer, started on first use; a test that kills one of its relays starts it again.</summary>
    public Task<MixLayer> LayerAsync() => _layer.Value;

    public void Dispose()
    {
        if (_layer.IsValueCreated && _layer.Value.IsCompletedSuccessfully)
        {
            _layer.Value.Result.Dispose();
        }
    }
}
