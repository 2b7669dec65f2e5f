namespace Courier.Mls.InteropRunner;

/// <summary>
/// The result of one run: passed, or failed/skipped with the reason. <see cref="Limitation"/> is
/// set when a known limitation of a client (--limitations) made the run a skip.
/// </summary>
internal sealed record RunOutcome(OutcomeKind Kind, string Reason, PeerLimitation? Limitation = null)
{
    public static RunOutcome Passed { get; } = new(OutcomeKind.Passed, "");

    public override string ToString() => Kind switch
    {
        OutcomeKind.Passed => "passed",
        OutcomeKind.Failed => $"failed: {Reason}",
        _ => $"skipped: {Reason}",
    };
}
