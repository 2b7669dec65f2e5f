namespace Courier.Mls.Hpke;

/// <summary>
/// An HPKE info reduced to the key_schedule_context it yields in mode_base (RFC 9180 §5.1), so that a
/// sender sealing to many recipients under one info hashes that info once. RFC 9420 does exactly
/// that: a Welcome encrypts every GroupSecrets under an info holding the whole encrypted GroupInfo
/// (§12.4.3.1), an UpdatePath every path secret under one GroupContext (§7.6).
/// </summary>
internal sealed class HpkePreparedInfo
{
    internal HpkePreparedInfo(HpkeSuite suite, byte[] keyScheduleContext)
    {
        Suite = suite;
        KeyScheduleContext = keyScheduleContext;
    }

    /// <summary>The suite whose suite_id went into the hash.</summary>
    internal HpkeSuite Suite { get; }

    /// <summary>concat(mode_base, psk_id_hash, info_hash).</summary>
    internal byte[] KeyScheduleContext { get; }
}
