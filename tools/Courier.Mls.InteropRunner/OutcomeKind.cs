namespace Courier.Mls.InteropRunner;

/// <summary>How one run of a script ended.</summary>
internal enum OutcomeKind
{
    Passed,
    Failed,

    /// <summary>
    /// A client answered UNIMPLEMENTED (it does not support something the script needs), or a
    /// client's own error matched one of its known limitations (--limitations).
    /// </summary>
    Skipped,
}
