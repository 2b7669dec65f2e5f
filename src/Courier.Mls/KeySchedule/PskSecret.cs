namespace Courier.Mls.KeySchedule;

/// <summary>RFC 9420 §8.4: the <c>psk_secret</c> that chains every injected PSK into the key schedule.</summary>
internal static class PskSecret
{
    /// <summary>The <c>ExpandWithLabel</c> label of <c>psk_input</c>.</summary>
    public const string DerivedPskLabel = "derived psk";

    /// <summary><c>psk_secret_[0]</c>: the all-zero KDF.Nh bytes used when no PSK is injected.</summary>
    public static Secret Zero(CipherSuite suite) => Secret.Zero(suite.HashSize);

    /// <summary>
    /// Computes <c>psk_secret_[n]</c> over <paramref name="psks"/> in order (the order of the Commit's
    /// PreSharedKey proposals, or of GroupSecrets.psks):
    /// <c>psk_extracted_[i] = KDF.Extract(0, psk_[i])</c>,
    /// <c>psk_input_[i] = ExpandWithLabel(psk_extracted_[i], "derived psk", PSKLabel, KDF.Nh)</c>,
    /// <c>psk_secret_[i+1] = KDF.Extract(psk_input_[i], psk_secret_[i])</c>.
    /// The PSK secrets stay owned by the caller.
    /// </summary>
    public static Secret Derive(CipherSuite suite, IReadOnlyList<(PreSharedKeyID Id, Secret Psk)> psks)
    {
        ArgumentNullException.ThrowIfNull(suite);
        ArgumentNullException.ThrowIfNull(psks);
        if (psks.Count > ushort.MaxValue)
        {
            throw new ArgumentException("PSKLabel.count is a uint16: at most 65535 PSKs.", nameof(psks));
        }

        ReadOnlySpan<byte> zero = stackalloc byte[suite.HashSize];
        var pskSecret = Zero(suite);
        try
        {
            for (var i = 0; i < psks.Count; i++)
            {
                var (id, psk) = psks[i];
                ArgumentNullException.ThrowIfNull(id, nameof(psks));
                ArgumentNullException.ThrowIfNull(psk, nameof(psks));

                // struct { PreSharedKeyID id; uint16 index; uint16 count; } PSKLabel;
                var label = new TlsWriter();
                id.Encode(label);
                label.WriteUInt16((ushort)i);
                label.WriteUInt16((ushort)psks.Count);

                using var extracted = suite.Extract(zero, psk.Span);
                using var input = suite.ExpandWithLabel(extracted.Span, DerivedPskLabel, label.Written, suite.HashSize);
                var next = suite.Extract(input.Span, pskSecret.Span);
                pskSecret.Dispose();
                pskSecret = next;
            }

            return pskSecret;
        }
        catch
        {
            pskSecret.Dispose();
            throw;
        }
    }
}
