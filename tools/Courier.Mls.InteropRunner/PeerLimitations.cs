using System.Text.Json;
using Grpc.Core;

namespace Courier.Mls.InteropRunner;

/// <summary>
/// The known limitations of clients (<c>--limitations FILE</c>) and the rule that applies them: a
/// run that ended with an error is reported as skipped only when the error was raised by a client
/// (a call to it ended with that status) whose name, error text and scenario match an entry. An
/// error raised by any other client, a failed check of the runner (disagreeing epoch
/// authenticators, a wrong plaintext), a deadline or a lost connection stays a failure.
/// </summary>
internal sealed class PeerLimitations
{
    /// <summary>Statuses that say nothing about what the client can do: never a limitation.</summary>
    private static readonly HashSet<StatusCode> Transport = [StatusCode.DeadlineExceeded, StatusCode.Cancelled, StatusCode.Unavailable];

    private readonly HashSet<InteropClient> strict = [];

    private PeerLimitations(List<PeerLimitation> entries) => Entries = entries;

    public IReadOnlyList<PeerLimitation> Entries { get; }

    /// <summary>
    /// Never lets an error raised by <paramref name="client"/> count as a limitation (the
    /// implementation under test); an entry naming its server is a usage error.
    /// </summary>
    public void Exclude(InteropClient client)
    {
        if (Entries.FirstOrDefault(l => l.Client == client.Name) is { } named)
        {
            throw new UsageException($"limitation \"{named.Id}\" names {client.Label} ({client.Name}), whose errors --no-limitations says are never limitations");
        }

        strict.Add(client);
    }

    /// <summary>
    /// Reads a file of the form
    /// <c>{"limitations": [{"id", "client", "error", "scenarios": [...], "reason"}, ...]}</c>;
    /// every field is required and non-empty, and no other field is allowed.
    /// </summary>
    public static PeerLimitations Load(IEnumerable<string> paths)
    {
        var entries = new List<PeerLimitation>();
        foreach (var path in paths)
        {
            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(File.ReadAllBytes(path));
            }
            catch (JsonException e)
            {
                throw new UsageException($"{path}: not JSON: {e.Message}");
            }

            using (doc)
            {
                if (doc.RootElement.ValueKind != JsonValueKind.Object
                    || !doc.RootElement.TryGetProperty("limitations", out var list)
                    || list.ValueKind != JsonValueKind.Array)
                {
                    throw new UsageException($"{path}: expected an object with a \"limitations\" list");
                }

                var i = 0;
                foreach (var e in list.EnumerateArray())
                {
                    entries.Add(Parse(e, $"{path}: limitations[{i++}]"));
                }
            }
        }

        var duplicate = entries.GroupBy(e => e.Id).FirstOrDefault(g => g.Count() > 1);
        return duplicate is null ? new PeerLimitations(entries) : throw new UsageException($"limitation id \"{duplicate.Key}\" is given twice");
    }

    /// <summary>
    /// The limitation that explains <paramref name="error"/>, which ended a run of
    /// <paramref name="file"/>/<paramref name="script"/>; null when none does.
    /// </summary>
    public PeerLimitation? Match(string file, string script, Exception error)
    {
        if (error is not ClientCallException call || Transport.Contains(call.Status.StatusCode) || strict.Contains(call.Client))
        {
            return null;
        }

        var text = $"{call.Status.StatusCode}: {call.Status.Detail}";
        return Entries.FirstOrDefault(l =>
            string.Equals(l.Client, call.Client.Name, StringComparison.Ordinal)
            && text.Contains(l.Error, StringComparison.Ordinal)
            && l.Covers(file, script));
    }

    private static PeerLimitation Parse(JsonElement e, string where)
    {
        string[] fields = ["id", "client", "error", "scenarios", "reason"];
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new UsageException($"{where}: expected an object");
        }

        foreach (var p in e.EnumerateObject())
        {
            if (!fields.Contains(p.Name))
            {
                throw new UsageException($"{where}: unknown field \"{p.Name}\" (expected {string.Join(", ", fields)})");
            }
        }

        string Text(string name) =>
            e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s
                ? s
                : throw new UsageException($"{where}: \"{name}\" must be a non-empty string");

        if (!e.TryGetProperty("scenarios", out var scenarios) || scenarios.ValueKind != JsonValueKind.Array || scenarios.GetArrayLength() == 0
            || scenarios.EnumerateArray().Any(s => s.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(s.GetString())))
        {
            throw new UsageException($"{where}: \"scenarios\" must be a non-empty list of \"file\" or \"file/script\" names");
        }

        return new PeerLimitation(Text("id"), Text("client"), Text("error"), [.. scenarios.EnumerateArray().Select(s => s.GetString()!)], Text("reason"));
    }
}
