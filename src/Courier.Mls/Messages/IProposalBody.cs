namespace Courier.Mls.Messages;

/// <summary>
/// The body of a Proposal (RFC 9420 §12.1): Add, Update, Remove, PreSharedKey, ReInit,
/// ExternalInit or GroupContextExtensions. Encoding a body writes that RFC struct alone,
/// without the proposal_type that <see cref="Proposal"/> puts in front of it.
/// </summary>
internal interface IProposalBody : ITlsEncodable
{
    /// <summary>The proposal_type that selects this body.</summary>
    ProposalType ProposalType { get; }
}
