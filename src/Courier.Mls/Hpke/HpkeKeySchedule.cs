namespace Courier.Mls.Hpke;

/// <summary>
/// The outputs of KeySchedule (RFC 9180 §5.1): key, base_nonce and exporter_secret. key and base_nonce
/// are absent for the export-only AEAD. Owned by the context built from it, which wipes it on dispose.
/// </summary>
internal sealed class HpkeKeySchedule : IDisposable
{
    public HpkeKeySchedule(Secret? key, Secret? baseNonce, Secret exporterSecret)
    {
        ArgumentNullException.ThrowIfNull(exporterSecret);
        if ((key is null) != (baseNonce is null))
        {
            throw new ArgumentException("key and base_nonce are either both present or both absent.", nameof(baseNonce));
        }

        Key = key;
        BaseNonce = baseNonce;
        ExporterSecret = exporterSecret;
    }

    /// <summary>The AEAD key (Nk bytes), or null for the export-only AEAD.</summary>
    public Secret? Key { get; }

    /// <summary>base_nonce (Nn bytes), or null for the export-only AEAD.</summary>
    public Secret? BaseNonce { get; }

    /// <summary>exporter_secret (Nh bytes).</summary>
    public Secret ExporterSecret { get; }

    /// <summary>True once the secrets have been wiped.</summary>
    public bool IsDisposed => ExporterSecret.IsDisposed;

    /// <summary>Wipes every secret.</summary>
    public void Dispose()
    {
        Key?.Dispose();
        BaseNonce?.Dispose();
        ExporterSecret.Dispose();
    }
}
