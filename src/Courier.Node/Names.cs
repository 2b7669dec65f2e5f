using Courier.Node.Cells;
using Courier.Node.Contacts;

namespace Courier.Node;

/// <summary>The names a user gives: of cells and layers (ours, or offered in a Welcome), and code names.</summary>
internal static class Names
{
    /// <summary>Printable, trimmed, at most <see cref="CellRecord.MaxNameBytes"/> bytes.</summary>
    public static bool IsValid(string name)
        => !string.IsNullOrWhiteSpace(name) && name == name.Trim() && System.Text.Encoding.UTF8.GetByteCount(name) <= CellRecord.MaxNameBytes && !name.Any(char.IsControl);

    /// <exception cref="ArgumentException">The name is not valid.</exception>
    public static void Check(string name, string what)
    {
        if (!IsValid(name))
        {
            throw new ArgumentException($"A {what} name is 1 to {CellRecord.MaxNameBytes} bytes of printable text without leading or trailing spaces.", nameof(name));
        }
    }

    /// <exception cref="ArgumentException">The code name is given and not valid.</exception>
    public static void CheckCodeName(string? codeName)
    {
        if (codeName is not null && !CodeNames.IsValid(codeName))
        {
            throw new ArgumentException($"A code name is 1 to {CodeNames.MaxBytes} bytes of printable text without leading or trailing spaces.", nameof(codeName));
        }
    }
}
