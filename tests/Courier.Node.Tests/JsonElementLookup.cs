using System.Text.Json;

namespace Courier.Node.Tests;

/// <summary>Finds a block of draft-appendix-ristretto255.json by its subsection heading.</summary>
internal sealed class JsonElementLookup(JsonElement root)
{
    public JsonElement Block(string subsection)
        => root.GetProperty("blocks").EnumerateArray().Single(b => b.GetProperty("subsection").GetString() == subsection).GetProperty("vectors");
}
