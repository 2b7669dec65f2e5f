namespace Courier.Mls.SecretTree;

/// <summary>
/// RFC 9420 §9.1: <c>ratchet_key_[N]_[j]</c> and <c>ratchet_nonce_[N]_[j]</c> of generation
/// <c>j</c>, handed out of the secret tree exactly once. The holder uses it for one message and
/// then disposes it (§9.2: a consumed key and nonce must be deleted at once).
/// </summary>
internal sealed class MessageKey : IDisposable
{
    public MessageKey(uint generation, Secret key, Secret nonce)
    {
        Generation = generation;
        Key = key;
        Nonce = nonce;
    }

    /// <summary>The generation <c>j</c> (SenderData.generation).</summary>
    public uint Generation { get; }

    /// <summary>AEAD.Nk bytes.</summary>
    public Secret Key { get; }

    /// <summary>AEAD.Nn bytes, before the reuse guard is applied (§6.3.1).</summary>
    public Secret Nonce { get; }

    /// <summary>True once key and nonce have been wiped.</summary>
    public bool IsDisposed => Key.IsDisposed && Nonce.IsDisposed;

    /// <summary>Wipes key and nonce.</summary>
    public void Dispose()
    {
        Key.Dispose();
        Nonce.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => $"MessageKey(generation {Generation})";
}
