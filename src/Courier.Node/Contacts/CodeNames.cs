using System.Text;

namespace Courier.Node.Contacts;

/// <summary>
/// Code names: how one side of a relationship is called by the other. The node gives each contact a
/// fresh one (two capitalized random words, such as "Quiet Otter") unless the user chose it, so no
/// two contacts know us by the same name.
/// </summary>
internal static class CodeNames
{
    /// <summary>The longest code name, in UTF-8 bytes.</summary>
    public const int MaxBytes = 64;

    public static string Generate()
        => string.Join(' ', WordList.RandomWords(2, " ").Split(' ').Select(w => char.ToUpperInvariant(w[0]) + w[1..]));

    /// <summary>Checks a chosen or received code name: 1 to 64 UTF-8 bytes, printable, no leading or trailing space.</summary>
    public static bool IsValid(string name)
        => name.Length > 0
            && Encoding.UTF8.GetByteCount(name) <= MaxBytes
            && name.Trim().Length == name.Length
            && !name.Any(char.IsControl);

    /// <exception cref="ArgumentException">The name is not valid.</exception>
    public static string Choose(string? chosen)
    {
        if (chosen is null)
        {
            return Generate();
        }

        return IsValid(chosen) ? chosen : throw new ArgumentException($"A code name is 1 to {MaxBytes} bytes of printable text without leading or trailing spaces.", nameof(chosen));
    }
}
