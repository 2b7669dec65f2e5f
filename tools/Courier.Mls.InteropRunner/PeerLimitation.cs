namespace Courier.Mls.InteropRunner;

/// <summary>
/// One known limitation of a client, from a <c>--limitations</c> file: when the client named
/// <see cref="Client"/> itself answers a call with an error containing <see cref="Error"/>, in one
/// of <see cref="Scenarios"/>, the run is reported as skipped with <see cref="Reason"/>.
/// </summary>
/// <param name="Id">A short name, for the tally.</param>
/// <param name="Client">The client's name exactly as its Name RPC reports it.</param>
/// <param name="Error">A substring of the client's error, "&lt;StatusCode&gt;: &lt;detail&gt;" (e.g. "Unimplemented: force_path").</param>
/// <param name="Scenarios">The scenario files ("commit") or scripts ("commit/add") where it may show.</param>
/// <param name="Reason">Why the client cannot do it, for the reader of the results.</param>
internal sealed record PeerLimitation(string Id, string Client, string Error, IReadOnlyList<string> Scenarios, string Reason)
{
    /// <summary>Whether this limitation covers <paramref name="file"/>/<paramref name="script"/>.</summary>
    public bool Covers(string file, string script) =>
        Scenarios.Any(s => s == file || s == $"{file}/{script}");
}
