namespace Courier.Mls.Group;

/// <summary>
/// A proposal received during the current epoch, kept until a commit covers it or the epoch ends
/// (RFC 9420 §12.4: commits may include proposals by reference).
/// </summary>
internal sealed record CachedProposal(byte[] Reference, Proposal Proposal, Sender Sender)
{
    /// <summary>RFC 9420 §5.2: <c>ProposalRef = RefHash("MLS 1.0 Proposal Reference", AuthenticatedContent)</c>.</summary>
    public static byte[] ReferenceOf(CipherSuite suite, AuthenticatedContent content)
        => suite.RefHash("MLS 1.0 Proposal Reference", content.ToBytes());
}
