namespace Courier.Mls.Messages;

/// <summary>RFC 9420 §6: <c>enum { reserved(0), application(1), proposal(2), commit(3), (255) } ContentType</c>.</summary>
internal enum ContentType : byte
{
    Application = 1,
    Proposal = 2,
    Commit = 3,
}
