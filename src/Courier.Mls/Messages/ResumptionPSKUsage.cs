namespace Courier.Mls.Messages;

/// <summary>RFC 9420 §8.4: <c>enum { reserved(0), application(1), reinit(2), branch(3), (255) } ResumptionPSKUsage</c>.</summary>
internal enum ResumptionPSKUsage : byte
{
    Application = 1,
    Reinit = 2,
    Branch = 3,
}
