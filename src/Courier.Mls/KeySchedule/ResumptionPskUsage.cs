namespace Courier.Mls.KeySchedule;

/// <summary>RFC 9420 §8.4 <c>ResumptionPSKUsage</c>: why a resumption PSK is injected.</summary>
internal enum ResumptionPskUsage : byte
{
    /// <summary>Injected by the application.</summary>
    Application = 1,

    /// <summary>Links a reinitialized group to the old one (§11.2).</summary>
    Reinit = 2,

    /// <summary>Links a subgroup branch to its parent group (§11.3).</summary>
    Branch = 3,
}
