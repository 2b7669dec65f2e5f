namespace Courier.Mls.SecretTree;

/// <summary>
/// RFC 9420 §6.3.2: the AEAD key and nonce of a PrivateMessage's <c>encrypted_sender_data</c>,
/// derived from <c>sender_data_secret</c> and a sample of the content ciphertext.
/// </summary>
internal sealed class SenderDataKey : IDisposable
{
    /// <summary>The <c>ExpandWithLabel</c> label of <c>sender_data_key</c>.</summary>
    public const string KeyLabel = "key";

    /// <summary>The <c>ExpandWithLabel</c> label of <c>sender_data_nonce</c>.</summary>
    public const string NonceLabel = "nonce";

    private SenderDataKey(Secret key, Secret nonce)
    {
        Key = key;
        Nonce = nonce;
    }

    /// <summary><c>sender_data_key</c>: AEAD.Nk bytes.</summary>
    public Secret Key { get; }

    /// <summary><c>sender_data_nonce</c>: AEAD.Nn bytes.</summary>
    public Secret Nonce { get; }

    /// <summary>
    /// <c>ciphertext_sample = ciphertext[0..KDF.Nh-1]</c> (the whole ciphertext when shorter);
    /// <c>sender_data_key = ExpandWithLabel(sender_data_secret, "key", ciphertext_sample, AEAD.Nk)</c>;
    /// <c>sender_data_nonce = ExpandWithLabel(sender_data_secret, "nonce", ciphertext_sample, AEAD.Nn)</c>.
    /// </summary>
    public static SenderDataKey Derive(CipherSuite suite, Secret senderDataSecret, ReadOnlySpan<byte> ciphertext)
    {
        ArgumentNullException.ThrowIfNull(suite);
        ArgumentNullException.ThrowIfNull(senderDataSecret);
        if (senderDataSecret.Length != suite.HashSize)
        {
            throw new ArgumentException($"sender_data_secret must be {suite.HashSize} bytes.", nameof(senderDataSecret));
        }

        var sample = ciphertext[..Math.Min(ciphertext.Length, suite.HashSize)];
        var key = suite.ExpandWithLabel(senderDataSecret.Span, KeyLabel, sample, suite.Aead.KeySize);
        var nonce = suite.ExpandWithLabel(senderDataSecret.Span, NonceLabel, sample, suite.Aead.NonceSize);
        return new SenderDataKey(key, nonce);
    }

    /// <summary>Wipes key and nonce.</summary>
    public void Dispose()
    {
        Key.Dispose();
        Nonce.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => "SenderDataKey";
}
