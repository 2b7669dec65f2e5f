using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Courier.Mls.Hpke;

namespace Courier.Mls.Group;

/// <summary>
/// RFC 9420 §10: a KeyPackage a node publishes, together with its private parts: the init key (to
/// open the Welcome that adds the node), the leaf's encryption key (its HPKE key in the tree once
/// added) and a copy of the signature key. A node generates bundles, publishes
/// <see cref="KeyPackageBytes"/>, and keeps the bundle (see <see cref="Serialize"/>) until a Welcome
/// names <see cref="KeyPackageRef"/>. <see cref="Dispose"/> frees the private keys.
/// </summary>
public sealed class KeyPackageBundle : IDisposable
{
    /// <summary>The SignWithLabel label of a LeafNode's signature (RFC 9420 §7.2).</summary>
    internal const string LeafNodeSignatureLabel = "LeafNodeTBS";

    /// <summary>The version of the <see cref="Serialize"/> format.</summary>
    private const ushort StorageVersion = 1;

    private const string StorageName = nameof(KeyPackageBundle);

    private readonly byte[] _keyPackageBytes;
    private readonly byte[] _keyPackageRef;
    private readonly HpkePrivateKey _initKey;
    private readonly HpkePrivateKey _encryptionKey;
    private readonly SignaturePrivateKey _signatureKey;
    private bool _disposed;

    /// <summary>Takes ownership of the three private keys.</summary>
    private KeyPackageBundle(CipherSuite suite, KeyPackage keyPackage, HpkePrivateKey initKey, HpkePrivateKey encryptionKey, SignaturePrivateKey signatureKey)
    {
        Suite = suite;
        KeyPackage = keyPackage;
        _keyPackageBytes = new MLSMessage(keyPackage).ToBytes();
        _keyPackageRef = KeyPackageReference.Compute(suite, keyPackage);
        _initKey = initKey;
        _encryptionKey = encryptionKey;
        _signatureKey = signatureKey;
    }

    /// <summary>The ciphersuite of the KeyPackage.</summary>
    public CipherSuiteId CipherSuite => Suite.Id;

    /// <summary>The serialized <c>MLSMessage</c> carrying the KeyPackage: what the node publishes. Each read returns a new copy.</summary>
    public byte[] KeyPackageBytes => (byte[])_keyPackageBytes.Clone();

    /// <summary>RFC 9420 §5.2: the KeyPackageRef a Welcome uses to name this KeyPackage. Each read returns a new copy.</summary>
    public byte[] KeyPackageRef => (byte[])_keyPackageRef.Clone();

    /// <summary>True once the private keys have been freed.</summary>
    public bool IsDisposed => _disposed;

    /// <summary>The suite of the KeyPackage.</summary>
    internal CipherSuite Suite { get; }

    /// <summary>The KeyPackage.</summary>
    internal KeyPackage KeyPackage { get; }

    /// <summary>The private key of <c>init_key</c>: opens the GroupSecrets of a Welcome.</summary>
    internal HpkePrivateKey InitKey => Live(_initKey);

    /// <summary>The private key of <c>leaf_node.encryption_key</c>: the leaf's HPKE key in the tree.</summary>
    internal HpkePrivateKey EncryptionKey => Live(_encryptionKey);

    /// <summary>The private key of <c>leaf_node.signature_key</c> (the bundle's own copy).</summary>
    internal SignaturePrivateKey SignatureKey => Live(_signatureKey);

    /// <summary>
    /// Generates a KeyPackage for <paramref name="suite"/>: fresh init and leaf encryption keys, a
    /// LeafNode (source key_package) with a basic credential carrying <paramref name="identity"/>,
    /// Courier's capabilities (<see cref="SupportedCapabilities"/>) and the lifetime
    /// [<paramref name="notBefore"/>, <paramref name="notAfter"/>] in seconds since the Unix epoch,
    /// the leaf signed over LeafNodeTBS and the KeyPackage over KeyPackageTBS with
    /// <paramref name="signer"/>. The bundle keeps its own copy of <paramref name="signer"/>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="identity"/> is empty, or the lifetime ends before it starts.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="suite"/> is not implemented.</exception>
    public static KeyPackageBundle Generate(CipherSuiteId suite, ReadOnlySpan<byte> identity, SignaturePrivateKey signer, ulong notBefore, ulong notAfter, IRandom random)
    {
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentNullException.ThrowIfNull(random);
        if (identity.IsEmpty)
        {
            throw new ArgumentException("The credential identity must not be empty.", nameof(identity));
        }

        if (notBefore > notAfter)
        {
            throw new ArgumentException("The lifetime ends before it starts.", nameof(notAfter));
        }

        var cipherSuite = Crypto.CipherSuite.Get(suite);
        cipherSuite.CheckSigner(signer);
        HpkePrivateKey? initKey = null;
        HpkePrivateKey? encryptionKey = null;
        SignaturePrivateKey? signatureKey = null;
        try
        {
            initKey = cipherSuite.Hpke.Kem.GenerateKeyPair(random);
            encryptionKey = cipherSuite.Hpke.Kem.GenerateKeyPair(random);

            // Only a broken IRandom repeats itself; the KeyPackage would then be invalid (§10.1).
            if (initKey.PublicKeySpan.SequenceEqual(encryptionKey.PublicKeySpan))
            {
                throw new InvalidOperationException("The random source produced the same key twice.");
            }

            signatureKey = signer.Copy();

            var unsigned = new LeafNode(
                encryptionKey.PublicKey,
                signer.PublicKey,
                Credential.Basic(identity.ToArray()),
                SupportedCapabilities.Create(),
                LeafNodeSource.KeyPackage,
                new Lifetime(notBefore, notAfter),
                parentHash: null,
                extensions: [],
                signature: []);
            var leafNode = unsigned.WithSignature(
                cipherSuite.SignWithLabel(signer, LeafNodeSignatureLabel, unsigned.ToBeSigned(null, null).ToBytes()));

            var toBeSigned = new KeyPackageTBS(GroupContext.Mls10, (ushort)cipherSuite.Id, initKey.PublicKey, leafNode, []);
            var keyPackage = new KeyPackage(
                toBeSigned.Version,
                toBeSigned.CipherSuite,
                toBeSigned.InitKey,
                toBeSigned.LeafNode,
                toBeSigned.Extensions,
                cipherSuite.SignWithLabel(signer, KeyPackageValidation.SignatureLabel, toBeSigned.ToBytes()));
            return new KeyPackageBundle(cipherSuite, keyPackage, initKey, encryptionKey, signatureKey);
        }
        catch
        {
            initKey?.Dispose();
            encryptionKey?.Dispose();
            signatureKey?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The bundle for the node's vault, private keys included:
    /// <c>struct { uint16 version = 1; opaque key_package&lt;V&gt; (MLSMessage); opaque init_priv&lt;V&gt;;
    /// opaque encryption_priv&lt;V&gt;; opaque signature_priv&lt;V&gt;; }</c>.
    /// The result is secret: the caller stores it encrypted and wipes it
    /// (<see cref="CryptographicOperations.ZeroMemory"/>).
    /// </summary>
    public byte[] Serialize()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var initPriv = _initKey.ExportPrivateKey();
        using var encryptionPriv = _encryptionKey.ExportPrivateKey();
        using var signaturePriv = _signatureKey.ExportPrivateKey();

        // Sized so the buffer never grows and leaves an unwiped copy of the keys behind.
        var writer = new TlsWriter(2 + 4 + _keyPackageBytes.Length + 3 * (4 + HpkePrivateKey.Size));
        try
        {
            writer.WriteUInt16(StorageVersion);
            writer.WriteOpaque(_keyPackageBytes);
            writer.WriteOpaque(initPriv.Span);
            writer.WriteOpaque(encryptionPriv.Span);
            writer.WriteOpaque(signaturePriv.Span);
            return writer.ToArray();
        }
        finally
        {
            var written = writer.Written;
            CryptographicOperations.ZeroMemory(MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(written), written.Length));
        }
    }

    /// <summary>
    /// Reads what <see cref="Serialize"/> wrote. The input stays the caller's to wipe.
    /// </summary>
    /// <exception cref="DecodeException">
    /// The bytes are not a bundle: bad encoding, an unknown version or ciphersuite, or private keys
    /// that are not those of the KeyPackage's public keys.
    /// </exception>
    public static KeyPackageBundle Deserialize(ReadOnlySpan<byte> bytes)
    {
        var reader = new TlsReader(bytes, StorageName);
        if (reader.ReadUInt16() != StorageVersion)
        {
            throw reader.Error(DecodeError.InvalidValue);
        }

        var keyPackageBytes = reader.ReadOpaque();
        var initPriv = reader.ReadOpaque();
        var encryptionPriv = reader.ReadOpaque();
        var signaturePriv = reader.ReadOpaque();
        reader.EnsureEnd();

        var keyPackage = MLSMessage.FromBytes(keyPackageBytes).KeyPackage ?? throw reader.Error(DecodeError.InvalidValue);
        var suite = Crypto.CipherSuite.Find(keyPackage.CipherSuite) ?? throw reader.Error(DecodeError.InvalidValue);
        if (initPriv.Length != HpkePrivateKey.Size || encryptionPriv.Length != HpkePrivateKey.Size || signaturePriv.Length != SignaturePrivateKey.Size)
        {
            throw reader.Error(DecodeError.LengthOutOfRange);
        }

        HpkePrivateKey? initKey = null;
        HpkePrivateKey? encryptionKey = null;
        SignaturePrivateKey? signatureKey = null;
        try
        {
            initKey = HpkePrivateKey.Import(initPriv, suite.Hpke.Kem);
            encryptionKey = HpkePrivateKey.Import(encryptionPriv, suite.Hpke.Kem);
            signatureKey = SignaturePrivateKey.Import(signaturePriv, suite.Id);
            if (!initKey.PublicKeySpan.SequenceEqual(keyPackage.InitKey)
                || !encryptionKey.PublicKeySpan.SequenceEqual(keyPackage.LeafNode.EncryptionKey)
                || !signatureKey.PublicKey.AsSpan().SequenceEqual(keyPackage.LeafNode.SignatureKey))
            {
                throw new DecodeException(DecodeError.InvalidValue, StorageName);
            }

            return new KeyPackageBundle(suite, keyPackage, initKey, encryptionKey, signatureKey);
        }
        catch (Exception e)
        {
            initKey?.Dispose();
            encryptionKey?.Dispose();
            signatureKey?.Dispose();

            // A P-256 scalar out of [1, n-1] is not a stored private key of the suite.
            if (e is ArgumentException)
            {
                throw new DecodeException(DecodeError.InvalidValue, StorageName);
            }

            throw;
        }
    }

    /// <summary>A bundle of existing parts (for known-answer tests); takes ownership of the keys.</summary>
    internal static KeyPackageBundle FromParts(KeyPackage keyPackage, HpkePrivateKey initKey, HpkePrivateKey encryptionKey, SignaturePrivateKey signatureKey)
        => new(Crypto.CipherSuite.Find(keyPackage.CipherSuite) ?? throw new ArgumentException("Unsupported ciphersuite.", nameof(keyPackage)), keyPackage, initKey, encryptionKey, signatureKey);

    /// <summary>Frees the three private keys (libsodium wipes their guarded memory).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _initKey.Dispose();
        _encryptionKey.Dispose();
        _signatureKey.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => $"KeyPackageBundle({Suite}, ref {Convert.ToHexStringLower(_keyPackageRef)})";

    private T Live<T>(T key)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return key;
    }
}
