using System.Security.Cryptography;

namespace Courier.Node.Storage;

/// <summary>
/// Panic (docs/panic.md): the vault's keys destroyed without the passphrase, fast, even while
/// another node has the home open.
/// </summary>
internal sealed partial class Vault
{
    /// <summary>
    /// Destroys the vault in <paramref name="home"/>: the header (which alone holds the wrapped vault
    /// keys) and its temporary copy are overwritten with random bytes, flushed to disk and deleted;
    /// then the database files, whose rows are sealed under keys derived from the vault key, are
    /// deleted. The home lock is not taken: a running node keeps no key on disk, and notices
    /// (<see cref="CheckNotDestroyed"/>). Returns false when the home held no vault header. Every step
    /// is tried even when one fails (a file the user may not write, a disk error): as much as can be
    /// destroyed is, then the failure is reported.
    /// </summary>
    /// <exception cref="PanicFailedException">A file could not be overwritten or deleted.</exception>
    public static bool Destroy(string home)
    {
        if (!Directory.Exists(home))
        {
            return false;
        }

        var headerPath = Path.Combine(home, VaultHeader.FileName);
        var found = File.Exists(headerPath);
        var failed = new List<string>();
        void Step(string file, Action action)
        {
            try
            {
                action();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                failed.Add(Path.GetFileName(file));
            }
        }

        foreach (var path in new[] { headerPath, headerPath + ".new" })
        {
            Step(path, () => Overwrite(path));
        }

        foreach (var file in VaultDatabase.Files(home))
        {
            Step(file, () => File.Delete(file));
        }

        Step(home, () => Interop.Posix.SyncDirectory(home));
        if (failed.Count > 0)
        {
            var keys = failed.Any(f => f.StartsWith(VaultHeader.FileName, StringComparison.Ordinal));
            throw new PanicFailedException(keys
                ? $"Panic could not destroy {string.Join(", ", failed)} in {home}: the vault key may still be readable with the passphrase. Delete the home directory by any means you have."
                : $"Panic destroyed the vault key, but could not delete {string.Join(", ", failed)} in {home} (unreadable without the key). Delete them when you can.");
        }

        return found;
    }

    /// <summary>True when the header this vault was opened from is gone (<see cref="Destroy"/> ran).</summary>
    public bool Destroyed => !File.Exists(Path.Combine(_home, VaultHeader.FileName));

    /// <summary>Refuses to go on once the vault was destroyed: nothing more is written beside a destroyed header.</summary>
    /// <exception cref="VaultDestroyedException">It was.</exception>
    internal void CheckNotDestroyed()
    {
        if (Destroyed)
        {
            throw new VaultDestroyedException("The vault of this node was destroyed (panic); nothing more is read or written. Close the node.");
        }
    }

    /// <summary>Random bytes over the whole file, flushed to the disk, then the file deleted; nothing when it does not exist.</summary>
    private static void Overwrite(string path)
    {
        try
        {
            // Share everything: another process (a running node) may have it open for reading.
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
            {
                stream.Write(RandomNumberGenerator.GetBytes(checked((int)stream.Length)));
                stream.Flush(flushToDisk: true);
            }

            File.Delete(path);
        }
        catch (FileNotFoundException)
        {
        }
    }
}
