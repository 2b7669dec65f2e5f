using System.Text.Json;

namespace Courier.Mls.InteropRunner;

/// <summary>One step of a script: its action, its actor (empty for actor-less steps) and its parameters.</summary>
internal sealed record ScriptStep(int Index, string Action, string Actor, StepParams Params)
{
    public static ScriptStep Parse(int index, JsonElement element)
    {
        var p = new StepParams(element);
        var action = p.Find("action") is { ValueKind: JsonValueKind.String } a
            ? a.GetString()!
            : throw new ScriptFormatException($"step {index}: missing action");
        var actor = p.Find("actor") is { } actorElement
            ? actorElement.ValueKind == JsonValueKind.String ? actorElement.GetString()! : throw new ScriptFormatException($"step {index}: actor must be a string")
            : "";
        return new ScriptStep(index, action, actor, p);
    }

    /// <summary>How the step is named in a result line: "3 (fullCommit by alice)".</summary>
    public string Describe() => Actor.Length == 0 ? $"{Index} ({Action})" : $"{Index} ({Action} by {Actor})";
}
