using System.Text.Json;

namespace Courier.Mls.InteropRunner;

/// <summary>One scenario file of the working group (<c>interop/configs/*.json</c>): its scripts, in file order.</summary>
internal sealed class ScenarioFile
{
    private ScenarioFile(string name, List<Script> scripts)
    {
        Name = name;
        Scripts = scripts;
    }

    /// <summary>The file name without ".json", e.g. "welcome_join".</summary>
    public string Name { get; }

    public IReadOnlyList<Script> Scripts { get; }

    public static ScenarioFile Load(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new ScriptFormatException($"{path}: not JSON: {e.Message}");
        }

        using (doc)
        {
            var root = doc.RootElement.Clone();
            if (root.ValueKind != JsonValueKind.Object
                || new StepParams(root).Find("scripts") is not { ValueKind: JsonValueKind.Object } scripts)
            {
                throw new ScriptFormatException($"{path}: expected an object with \"scripts\"");
            }

            var list = new List<Script>();
            foreach (var s in scripts.EnumerateObject())
            {
                try
                {
                    list.Add(Script.Parse(s.Name, s.Value));
                }
                catch (ScriptFormatException e)
                {
                    throw new ScriptFormatException($"{path}: script {s.Name}: {e.Message}");
                }
            }

            return new ScenarioFile(name, list);
        }
    }

    /// <summary>The scenario files a path names: the file itself, or a folder's *.json files by name.</summary>
    public static IEnumerable<string> Expand(string path)
    {
        if (Directory.Exists(path))
        {
            return Directory.GetFiles(path, "*.json").Order(StringComparer.Ordinal);
        }

        return File.Exists(path) ? [path] : throw new ScriptFormatException($"{path}: no such file or folder");
    }
}
