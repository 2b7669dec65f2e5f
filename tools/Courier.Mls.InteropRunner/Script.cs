using System.Text.Json;

namespace Courier.Mls.InteropRunner;

/// <summary>A named script of a scenario file: its steps and the actors that need a client.</summary>
internal sealed class Script
{
    private Script(string name, List<ScriptStep> steps)
    {
        Name = name;
        Steps = steps;
        Actors = FindActors(steps);
    }

    public string Name { get; }

    public IReadOnlyList<ScriptStep> Steps { get; }

    /// <summary>
    /// The actors, in order of first appearance, chosen as the working group's runner chooses them:
    /// every step's <c>actor</c>, plus createGroup's <c>members</c>, externalJoin's and
    /// newMemberAddProposal's <c>joiner</c> and addExternalSigner's <c>signer</c>.
    /// </summary>
    public IReadOnlyList<string> Actors { get; }

    public static Script Parse(string name, JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            throw new ScriptFormatException($"script {name} must be a list of steps");
        }

        var steps = new List<ScriptStep>();
        foreach (var s in element.EnumerateArray())
        {
            steps.Add(ScriptStep.Parse(steps.Count, s));
        }

        return new Script(name, steps);
    }

    private static List<string> FindActors(List<ScriptStep> steps)
    {
        var actors = new List<string>();
        void Add(string a)
        {
            if (a.Length > 0 && !actors.Contains(a))
            {
                actors.Add(a);
            }
        }

        foreach (var step in steps.Where(s => s.Actor.Length > 0))
        {
            Add(step.Actor);
            // Like the working group's runner, a step whose parameters do not parse adds only its actor.
            try
            {
                switch (step.Action)
                {
                    case "createGroup":
                        step.Params.Strings("members").ForEach(Add);
                        break;
                    case "externalJoin" or "newMemberAddProposal":
                        Add(step.Params.String("joiner"));
                        break;
                    case "addExternalSigner":
                        Add(step.Params.String("signer"));
                        break;
                }
            }
            catch (ScriptFormatException)
            {
            }
        }

        return actors;
    }
}
