using System.Runtime.InteropServices;

namespace Courier.Sodium;

/// <summary>
/// The operations of libsodium that NSec does not expose, bound to the libsodium that NSec's package
/// ships: one class, one file per family of operations. Every computation is libsodium's (constant
/// time); sizes are checked before each call; callers own the buffers and wipe the secret ones.
/// </summary>
internal static unsafe partial class LibSodium
{
    private const string Library = "libsodium";

    static LibSodium()
    {
        // Idempotent, and already done when NSec was used first; 1 means "already initialized".
        if (sodium_init() < 0)
        {
            throw new InvalidOperationException("libsodium could not be initialized.");
        }
    }

    private static void CheckSize(ReadOnlySpan<byte> value, int size, string what)
    {
        if (value.Length != size)
        {
            throw new ArgumentException($"libsodium's {what} values are {size} bytes.");
        }
    }

    [LibraryImport(Library)]
    private static partial int sodium_init();
}
