using System.Text.Json;
using Google.Protobuf;

namespace Courier.Mls.InteropRunner;

/// <summary>
/// Read access to one JSON object of a scenario file (a step or a proposal description), with the
/// key matching of Go's encoding/json that the working group's runner relies on: a key matches a
/// field name exactly or case-insensitively (so "changeCiphersuite" sets "changeCipherSuite"), an
/// absent or null key leaves the zero value, and the last matching key wins.
/// </summary>
internal readonly struct StepParams
{
    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    private readonly JsonElement element;

    public StepParams(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new ScriptFormatException($"expected a JSON object, found {element.ValueKind}");
        }

        this.element = element;
    }

    public int Int(string name)
    {
        if (Find(name) is not { } v)
        {
            return 0;
        }

        return v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n)
            ? n
            : throw Wrong(name, "an integer", v);
    }

    public bool Bool(string name)
    {
        if (Find(name) is not { } v)
        {
            return false;
        }

        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Wrong(name, "true or false", v),
        };
    }

    public string String(string name)
    {
        if (Find(name) is not { } v)
        {
            return "";
        }

        return v.ValueKind == JsonValueKind.String ? v.GetString()! : throw Wrong(name, "a string", v);
    }

    public List<string> Strings(string name) => Array(name, "a list of strings", v =>
        v.ValueKind == JsonValueKind.String ? v.GetString()! : throw Wrong(name, "a list of strings", v));

    public List<int> Ints(string name) => Array(name, "a list of integers", v =>
        v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) ? n : throw Wrong(name, "a list of integers", v));

    public List<StepParams> Objects(string name) => Array(name, "a list of objects", v => new StepParams(v));

    public StepParams Object(string name)
    {
        if (Find(name) is not { } v)
        {
            return new StepParams(EmptyObject);
        }

        return v.ValueKind == JsonValueKind.Object ? new StepParams(v) : throw Wrong(name, "an object", v);
    }

    /// <summary>
    /// A list of MLSClient <c>Extension</c>s written as the runner's JSON encoding of the protobuf
    /// message: <c>extension_type</c> a number, <c>extension_data</c> base64.
    /// </summary>
    public List<MlsClient.Extension> Extensions(string name)
    {
        var result = new List<MlsClient.Extension>();
        foreach (var o in Objects(name))
        {
            var type = o.Find("extension_type") is { } t
                ? t.ValueKind == JsonValueKind.Number && t.TryGetUInt32(out var n) ? n : throw Wrong("extension_type", "an integer", t)
                : 0u;
            var data = o.Find("extension_data") is { } d
                ? d.ValueKind == JsonValueKind.String && d.TryGetBytesFromBase64(out var bytes) ? bytes : throw Wrong("extension_data", "base64", d)
                : [];
            result.Add(new MlsClient.Extension { ExtensionType = type, ExtensionData = ByteString.CopyFrom(data) });
        }

        return result;
    }

    /// <summary>The value of the last key matching <paramref name="name"/>, or null if none or JSON null.</summary>
    public JsonElement? Find(string name)
    {
        JsonElement? found = null;
        foreach (var p in element.EnumerateObject())
        {
            if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                found = p.Value;
            }
        }

        return found is { ValueKind: JsonValueKind.Null } ? null : found;
    }

    private List<T> Array<T>(string name, string what, Func<JsonElement, T> item)
    {
        if (Find(name) is not { } v)
        {
            return [];
        }

        if (v.ValueKind != JsonValueKind.Array)
        {
            throw Wrong(name, what, v);
        }

        return [.. v.EnumerateArray().Select(item)];
    }

    private static ScriptFormatException Wrong(string name, string what, JsonElement v) =>
        new($"\"{name}\" must be {what}, found {v.ValueKind}");
}
