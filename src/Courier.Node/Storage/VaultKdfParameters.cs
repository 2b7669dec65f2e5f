namespace Courier.Node;

/// <summary>
/// The cost of stretching the passphrase with Argon2id (RFC 9106) through libsodium: memory in KiB
/// and number of passes, with one lane (libsodium's only choice). They are stored in the vault's
/// header beside the salt, so a vault created with one setting opens under any later default, and
/// can be re-keyed to a higher one.
/// </summary>
public sealed record VaultKdfParameters
{
    /// <summary>libsodium's smallest memory size, 8 KiB (crypto_pwhash_argon2id_MEMLIMIT_MIN).</summary>
    public const long MinMemoryKiB = 8;

    /// <summary>
    /// The largest memory size a header may ask for, 4 GiB: a header is read before anything is
    /// authenticated, so a damaged or hostile one must not make the node allocate without bound.
    /// </summary>
    public const long MaxMemoryKiB = 4L * 1024 * 1024;

    /// <summary>The most passes a header may ask for, for the same reason.</summary>
    public const long MaxPasses = 64;

    /// <summary>Creates parameters.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is outside the bounds above.</exception>
    public VaultKdfParameters(long memoryKiB, long passes)
    {
        if (memoryKiB is < MinMemoryKiB or > MaxMemoryKiB)
        {
            throw new ArgumentOutOfRangeException(nameof(memoryKiB), $"Argon2id memory must be between {MinMemoryKiB} KiB and {MaxMemoryKiB} KiB.");
        }

        if (passes is < 1 or > MaxPasses)
        {
            throw new ArgumentOutOfRangeException(nameof(passes), $"Argon2id passes must be between 1 and {MaxPasses}.");
        }

        MemoryKiB = memoryKiB;
        Passes = passes;
    }

    /// <summary>
    /// The default for new vaults: 64 MiB and 3 passes, RFC 9106 §4's second recommended option
    /// with libsodium's single lane (a few hundred milliseconds on the project's machines).
    /// </summary>
    public static VaultKdfParameters Default { get; } = new(64 * 1024, 3);

    /// <summary>Memory in KiB.</summary>
    public long MemoryKiB { get; }

    /// <summary>Number of passes over the memory.</summary>
    public long Passes { get; }

    /// <summary>True when both values are within the bounds (a header read from disk may not be).</summary>
    internal static bool AreValid(long memoryKiB, long passes)
        => memoryKiB is >= MinMemoryKiB and <= MaxMemoryKiB && passes is >= 1 and <= MaxPasses;
}
