using System.Security.Cryptography;
using System.Text;
using Courier.Mls.Crypto;
using Courier.Mls.Group;

namespace Courier.Node.Contacts;

/// <summary>
/// Everything of ours that belongs to one relationship and to no other: a fresh Ed25519 signing key,
/// a code name, the dead drop the contact delivers to (name and read key), and KeyPackages each with
/// a signing key and credential of its own, so that a cell the contact adds us to sees an identity
/// used nowhere else. Holds private keys: dispose it.
/// </summary>
internal sealed class PairwiseIdentity : IDisposable
{
    /// <summary>
    /// The post-quantum hybrid suite MLS_256_XWING_CHACHA20POLY1305_SHA512_Ed25519 (0x0054), which a
    /// layer can require (docs/cells.md, "Post-quantum cells").
    /// </summary>
    public const CipherSuiteId PostQuantumSuite = CipherSuiteId.MLS_256_XWING_CHACHA20POLY1305_SHA512_Ed25519;

    private PairwiseIdentity(string codeName, byte[] signingSeed, byte[] dropName, byte[] dropReadSeed, List<KeyPackageBundle> bundles)
    {
        CodeName = codeName;
        SigningSeed = signingSeed;
        DropName = dropName;
        DropReadSeed = dropReadSeed;
        Bundles = bundles;
        SigningKey = Ed25519.PublicKeyOf(signingSeed);
    }

    public string CodeName { get; }

    /// <summary>The private signing seed (pinned; wiped on dispose).</summary>
    public byte[] SigningSeed { get; }

    public byte[] SigningKey { get; }

    public byte[] DropName { get; }

    /// <summary>The read key's seed of our drop (pinned; wiped on dispose).</summary>
    public byte[] DropReadSeed { get; }

    public List<KeyPackageBundle> Bundles { get; }

    /// <summary>
    /// A fresh identity with <see cref="NodeOptions.KeyPackagesPerContact"/> KeyPackages of
    /// <paramref name="suite"/> (at most one of <see cref="PostQuantumSuite"/>: a first contact's
    /// envelope holds one); <paramref name="codeName"/> null means a generated one.
    /// </summary>
    public static PairwiseIdentity Create(string? codeName, NodeOptions options, CipherSuiteId suite)
    {
        var name = CodeNames.Choose(codeName);
        var signingSeed = NewSecret(Ed25519.SeedSize);
        var dropReadSeed = NewSecret(Ed25519.SeedSize);
        var bundles = new List<KeyPackageBundle>();
        try
        {
            var count = suite == PostQuantumSuite ? Math.Min(1, options.KeyPackagesPerContact) : options.KeyPackagesPerContact;
            for (var i = 0; i < count; i++)
            {
                bundles.Add(NewBundle(null, options, suite));
            }

            return new PairwiseIdentity(name, signingSeed, RandomNumberGenerator.GetBytes(ContactOffer.DropNameSize), dropReadSeed, bundles);
        }
        catch
        {
            CryptographicOperations.ZeroMemory(signingSeed);
            CryptographicOperations.ZeroMemory(dropReadSeed);
            bundles.ForEach(b => b.Dispose());
            throw;
        }
    }

    /// <summary>
    /// A KeyPackage of <paramref name="suite"/> (<see cref="NodeContext.SuiteFor"/>) with a signing key
    /// and a code name of its own (<paramref name="codeName"/> null means a generated one).
    /// </summary>
    public static KeyPackageBundle NewBundle(string? codeName, NodeOptions options, CipherSuiteId suite)
    {
        using var signer = SignaturePrivateKey.Generate(SystemRandom.Instance);
        var now = options.Time.GetUtcNow();
        var notBefore = (ulong)now.AddHours(-1).ToUnixTimeSeconds();
        var notAfter = (ulong)(now + options.KeyPackageLifetime).ToUnixTimeSeconds();
        return KeyPackageBundle.Generate(suite, Encoding.UTF8.GetBytes(CodeNames.Choose(codeName)), signer, notBefore, notAfter, SystemRandom.Instance);
    }

    /// <summary>An identity stored earlier (an introduction waiting for its answer); takes ownership of the arrays and bundles.</summary>
    public static PairwiseIdentity Restore(string codeName, byte[] signingSeed, byte[] dropName, byte[] dropReadSeed, List<KeyPackageBundle> bundles)
        => new(codeName, signingSeed, dropName, dropReadSeed, bundles);

    /// <summary>Our signed offer for the session named by <paramref name="context"/>.</summary>
    public ContactOffer Offer(ReadOnlySpan<byte> context)
        => ContactOffer.Create(CodeName, SigningSeed, DropName, Bundles.Select(b => b.KeyPackageBytes).ToList(), context);

    /// <summary>A pinned array for a secret, to be wiped by its owner.</summary>
    public static byte[] NewSecret(int size)
    {
        var bytes = GC.AllocateArray<byte>(size, pinned: true);
        RandomNumberGenerator.Fill(bytes);
        return bytes;
    }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(SigningSeed);
        CryptographicOperations.ZeroMemory(DropReadSeed);
        Bundles.ForEach(b => b.Dispose());
    }

    /// <inheritdoc/>
    public override string ToString() => "PairwiseIdentity";
}
