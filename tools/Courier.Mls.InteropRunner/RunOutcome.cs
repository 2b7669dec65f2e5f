namespace Courier.Mls.InteropRunner;

/// <summary>The result of one run: passed, or failed/skipped with the reason.</summary>
internal sealed record RunOutcome(OutcomeKind Kind, string Reason)
{
    public static RunOutcome Passed { get; } = new(OutcomeKind.Passed, "");

    public override string ToString() => Kind switch
    {
        OutcomeKind.Passed => "passed",
        OutcomeKind.Failed => $"failed: {Reason}",
        _ => $"skipped: {Reason}",
    };
}
