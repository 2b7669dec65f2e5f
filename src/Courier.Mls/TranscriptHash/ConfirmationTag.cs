using System.Security.Cryptography;

namespace Courier.Mls.TranscriptHash;

/// <summary>
/// RFC 9420 §6.1, §8.2: confirmation_tag = MAC(confirmation_key, confirmed_transcript_hash),
/// which proves the members that share the new epoch agree on its state.
/// </summary>
internal static class ConfirmationTag
{
    public static byte[] Compute(CipherSuite suite, Secret confirmationKey, ReadOnlySpan<byte> confirmedTranscriptHash)
    {
        ArgumentNullException.ThrowIfNull(suite);
        ArgumentNullException.ThrowIfNull(confirmationKey);
        return suite.Mac(confirmationKey.Span, confirmedTranscriptHash);
    }

    /// <summary>True when <paramref name="tag"/> is the confirmation tag; compared in constant time.</summary>
    public static bool Verify(CipherSuite suite, Secret confirmationKey, ReadOnlySpan<byte> confirmedTranscriptHash, ReadOnlySpan<byte> tag)
    {
        var expected = Compute(suite, confirmationKey, confirmedTranscriptHash);
        try
        {
            return CryptographicOperations.FixedTimeEquals(expected, tag);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(expected);
        }
    }
}
