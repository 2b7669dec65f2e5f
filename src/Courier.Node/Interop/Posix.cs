using System.Runtime.InteropServices;

namespace Courier.Node.Interop;

/// <summary>
/// The one file-system call .NET does not offer: fsync of a directory, which makes a rename in it
/// durable (POSIX fsync(2); .NET refuses to open a directory as a file). Windows needs none:
/// NTFS journals its metadata, and a rename is durable once MoveFileEx returns with write-through.
/// </summary>
internal static partial class Posix
{
    private const string Library = "libc";

    /// <summary>Flushes the entries of <paramref name="directory"/> (a rename into it) to disk.</summary>
    /// <exception cref="IOException">The directory cannot be opened or flushed.</exception>
    public static void SyncDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        // O_RDONLY is 0 everywhere, and enough to fsync a directory.
        var descriptor = open(directory, 0);
        if (descriptor < 0)
        {
            throw new IOException($"The directory {directory} could not be opened to flush it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (fsync(descriptor) != 0)
            {
                throw new IOException($"The directory {directory} could not be flushed to disk (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = close(descriptor);
        }
    }

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int open(string path, int flags);

    [LibraryImport(Library, SetLastError = true)]
    private static partial int fsync(int descriptor);

    [LibraryImport(Library)]
    private static partial int close(int descriptor);
}
