using System.Globalization;

namespace Courier.Node.Load;

/// <summary>
/// This process's I/O counters from /proc/self/io. The relay is a child process, so its SQLite
/// writes are not counted: during a node phase what this process writes is its nodes' vaults.
/// </summary>
internal readonly record struct VaultIo(long WChar, long WriteBytes)
{
    /// <summary>The counters now: wchar (bytes passed to write-like calls: SQLite's database, WAL and checkpoints) and write_bytes (bytes this process caused to be sent to the disk).</summary>
    public static VaultIo Now()
    {
        long wchar = 0, writeBytes = 0;
        foreach (var line in File.ReadLines("/proc/self/io"))
        {
            var parts = line.Split(':', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2)
            {
                continue;
            }

            if (parts[0] == "wchar")
            {
                wchar = long.Parse(parts[1], CultureInfo.InvariantCulture);
            }
            else if (parts[0] == "write_bytes")
            {
                writeBytes = long.Parse(parts[1], CultureInfo.InvariantCulture);
            }
        }

        return new VaultIo(wchar, writeBytes);
    }

    public static VaultIo operator -(VaultIo after, VaultIo before) => new(after.WChar - before.WChar, after.WriteBytes - before.WriteBytes);
}
