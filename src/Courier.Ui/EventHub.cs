using System.Text.Json;
using System.Threading.Channels;

namespace Courier.Ui;

/// <summary>One event pushed to the open pages (Server-Sent Events): what happened, and a small JSON payload.</summary>
internal sealed record UiEvent(string Type, string Json);

/// <summary>The open pages' event streams: every event goes to each; a page that does not read keeps only the latest few.</summary>
internal sealed class EventHub
{
    private readonly Lock _lock = new();
    private readonly List<Channel<UiEvent>> _subscribers = [];
    private bool _closed;

    public Channel<UiEvent> Subscribe()
    {
        var channel = Channel.CreateBounded<UiEvent>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest });
        lock (_lock)
        {
            if (_closed)
            {
                channel.Writer.Complete();
            }
            else
            {
                _subscribers.Add(channel);
            }
        }

        return channel;
    }

    public void Unsubscribe(Channel<UiEvent> channel)
    {
        lock (_lock)
        {
            _subscribers.Remove(channel);
        }
    }

    public void Publish(string type, object payload)
    {
        var e = new UiEvent(type, JsonSerializer.Serialize(payload, UiJson.Options));
        lock (_lock)
        {
            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryWrite(e);
            }
        }
    }

    /// <summary>Ends every stream (the server stops): pages see the connection close.</summary>
    public void Close()
    {
        lock (_lock)
        {
            _closed = true;
            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryComplete();
            }

            _subscribers.Clear();
        }
    }
}

/// <summary>The UI's JSON: camelCase, as the page's script reads it.</summary>
internal static class UiJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
