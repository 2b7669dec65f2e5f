namespace Courier.Mls.InteropRunner;

/// <summary>
/// What each step of a run produced, by step index and key ("key_package", "proposal", "commit",
/// "welcome", ...), for later steps that name the step by its index.
/// </summary>
internal sealed class MessageCache(int steps)
{
    private readonly Dictionary<string, byte[]>[] byStep = [.. Enumerable.Range(0, steps).Select(_ => new Dictionary<string, byte[]>())];

    public void Store(int index, string key, ReadOnlySpan<byte> message) => byStep[index][key] = message.ToArray();

    public byte[] Get(int index, string key) =>
        index >= 0 && index < byStep.Length && byStep[index].TryGetValue(key, out var m)
            ? m
            : throw new InteropCheckException($"No message for key {key} at step {index}");
}
