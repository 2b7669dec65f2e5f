namespace Courier.Mls.KeySchedule;

/// <summary>RFC 9420 §8.4 <c>PSKType</c>: how a pre-shared key was provisioned.</summary>
internal enum PskType : byte
{
    /// <summary>Provided by the application.</summary>
    External = 1,

    /// <summary>The <c>resumption_psk</c> of an earlier epoch of some group.</summary>
    Resumption = 2,
}
