namespace Courier.Node.Cpace;

/// <summary>How the transcript orders the two messages (draft-irtf-cfrg-cpace-21 §3.3, §5.3, §9.1.1).</summary>
internal enum CPaceMode
{
    /// <summary>A speaks first and B answers: transcript_ir.</summary>
    InitiatorResponder,

    /// <summary>Either may speak first: transcript_oc, the ordered concatenation.</summary>
    Symmetric,
}
