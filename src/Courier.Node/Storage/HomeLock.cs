namespace Courier.Node.Storage;

/// <summary>
/// Keeps a second node off a home directory: an exclusive lock on <c>courier.lock</c>, held while
/// the node is open. On Linux and macOS .NET takes it with flock(LOCK_EX | LOCK_NB) for
/// <see cref="FileShare.None"/>, which excludes other processes and other opens in this process;
/// the operating system drops it if the process dies, so a killed node never leaves a stale lock.
/// The file stays empty: the lock is the open handle, not the content.
/// </summary>
internal sealed class HomeLock : IDisposable
{
    public const string FileName = "courier.lock";

    private readonly FileStream _stream;

    private HomeLock(FileStream stream) => _stream = stream;

    /// <exception cref="HomeLockedException">Another holder has the lock.</exception>
    public static HomeLock Acquire(string home)
    {
        var path = Path.Combine(home, FileName);
        try
        {
            var options = new FileStreamOptions
            {
                Mode = FileMode.OpenOrCreate,
                Access = FileAccess.ReadWrite,
                Share = FileShare.None,
            };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            return new HomeLock(new FileStream(path, options));
        }
        catch (IOException e)
        {
            throw new HomeLockedException($"The home directory {home} is in use by another Courier node; close it first.", e);
        }
    }

    public void Dispose() => _stream.Dispose();
}
