using Courier.Mls.Hpke;

namespace Courier.Mls.Crypto;

/// <summary>The ciphersuite's HPKE (RFC 9420 §5.1: KEM, KDF and AEAD of the suite) and §5.1.3 labeled encryption.</summary>
internal sealed partial class CipherSuite
{
    /// <summary>The suite's HPKE: its KEM (DHKEM X25519 or P-256, or X-Wing), its KDF and its AEAD.</summary>
    public HpkeSuite Hpke { get; }

    /// <summary>
    /// KEM.DeriveKeyPair(secret) (RFC 9180 §7.1.3), as RFC 9420 uses it for node keys (§7.4) and
    /// external_pub (§8).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="secret"/> is shorter than Nsk (32 bytes).</exception>
    public HpkePrivateKey DeriveKeyPair(ReadOnlySpan<byte> secret) => Hpke.Kem.DeriveKeyPair(secret);

    /// <summary>
    /// RFC 9420 §5.1.3: EncryptWithLabel(PublicKey, Label, Context, Plaintext) =
    /// SealBase(PublicKey, EncryptContext, "", Plaintext).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="publicKey"/> is not Npk bytes.</exception>
    /// <exception cref="HpkeException"><paramref name="publicKey"/> is not a valid public key (ValidationError).</exception>
    public (byte[] KemOutput, byte[] Ciphertext) EncryptWithLabel(ReadOnlySpan<byte> publicKey, string label, ReadOnlySpan<byte> context, ReadOnlySpan<byte> plaintext, IRandom random)
        => EncryptWithLabel(publicKey, EncryptWithLabelInfo(label, context), plaintext, random);

    /// <summary>
    /// EncryptWithLabel with the HPKE info (EncryptContext) of <see cref="EncryptWithLabelInfo"/>: the same
    /// result as <see cref="EncryptWithLabel(ReadOnlySpan{byte}, string, ReadOnlySpan{byte}, ReadOnlySpan{byte}, IRandom)"/>
    /// for that label and context, without hashing the context again for each recipient.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="publicKey"/> is not Npk bytes.</exception>
    /// <exception cref="HpkeException"><paramref name="publicKey"/> is not a valid public key (ValidationError).</exception>
    public (byte[] KemOutput, byte[] Ciphertext) EncryptWithLabel(ReadOnlySpan<byte> publicKey, HpkePreparedInfo info, ReadOnlySpan<byte> plaintext, IRandom random)
        => Hpke.SealBasePrepared(publicKey, info, default, plaintext, random);

    /// <summary>
    /// EncryptWithLabel of each plaintext to its public key under one prepared info, spread over the
    /// cores (<see cref="ParallelWork"/>). Each encryption's randomness (what one Encap draws: Nsk bytes for a DHKEM ephemeral key, X-Wing's 64-byte eseed) is drawn first, on the
    /// calling thread, in list order and with the same calls a loop of single encryptions makes, so
    /// the output is byte for byte that loop's for the same randomness. A failure is thrown as the
    /// loop would throw it: the one of the first failing message in list order.
    /// </summary>
    /// <exception cref="ArgumentException">A public key is not Npk bytes.</exception>
    /// <exception cref="HpkeException">A public key is not a valid public key (ValidationError).</exception>
    public (byte[] KemOutput, byte[] Ciphertext)[] EncryptWithLabel(HpkePreparedInfo info, IReadOnlyList<(byte[] PublicKey, Secret Plaintext)> messages, IRandom random)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(random);
        using var drawn = Secret.Zero(messages.Count * Hpke.Kem.EncapRandomSize);
        for (var i = 0; i < messages.Count; i++)
        {
            random.Fill(drawn.Writable.Slice(i * Hpke.Kem.EncapRandomSize, Hpke.Kem.EncapRandomSize));
        }

        var results = new (byte[] KemOutput, byte[] Ciphertext)[messages.Count];
        ParallelWork.For(messages.Count, i =>
        {
            var (publicKey, plaintext) = messages[i];
            results[i] = EncryptWithLabel(publicKey, info, plaintext.Span, new DrawnRandom(drawn, i * Hpke.Kem.EncapRandomSize, Hpke.Kem.EncapRandomSize));
        });

        return results;
    }

    /// <summary>The HPKE info of EncryptWithLabel(_, <paramref name="label"/>, <paramref name="context"/>, _), hashed once for many recipients.</summary>
    public HpkePreparedInfo EncryptWithLabelInfo(string label, ReadOnlySpan<byte> context) => Hpke.PrepareInfo(EncryptContext(label, context));

    /// <summary>
    /// RFC 9420 §5.1.3: DecryptWithLabel(PrivateKey, Label, Context, KEMOutput, Ciphertext) =
    /// OpenBase(KEMOutput, PrivateKey, EncryptContext, "", Ciphertext). Null when the KEM output is
    /// invalid or authentication fails. The caller wipes the plaintext when it is secret.
    /// </summary>
    public byte[]? DecryptWithLabel(HpkePrivateKey privateKey, string label, ReadOnlySpan<byte> context, ReadOnlySpan<byte> kemOutput, ReadOnlySpan<byte> ciphertext)
        => Hpke.OpenBase(kemOutput, privateKey, EncryptContext(label, context), default, ciphertext);

    private static byte[] EncryptContext(string label, ReadOnlySpan<byte> context)
    {
        // struct { opaque label<V>; opaque context<V>; } EncryptContext;
        var writer = new TlsWriter(context.Length + 64);
        WriteLabel(writer, label);
        writer.WriteOpaque(context);
        return writer.ToArray();
    }

    /// <summary>Hands out the bytes drawn for one encryption, once.</summary>
    private sealed class DrawnRandom(Secret drawn, int offset, int size) : IRandom
    {
        private bool _used;

        public void Fill(Span<byte> destination)
        {
            if (_used || destination.Length != size)
            {
                throw new InvalidOperationException("An encryption asked for other randomness than one ephemeral key's.");
            }

            _used = true;
            drawn.Span.Slice(offset, size).CopyTo(destination);
        }
    }
}
