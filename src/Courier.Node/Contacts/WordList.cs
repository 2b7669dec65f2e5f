using System.Reflection;
using System.Security.Cryptography;

namespace Courier.Node.Contacts;

/// <summary>
/// The 1024 common short English words (3 to 6 letters, no two spoken alike) that generated
/// invitation codes and code names are drawn from: 10 bits per word. Built into the assembly from
/// words.txt.
/// </summary>
internal static class WordList
{
    /// <summary>The number of words, a power of two so that a random index is uniform.</summary>
    public const int Count = 1024;

    /// <summary>The words, sorted.</summary>
    public static IReadOnlyList<string> Words { get; } = Load();

    /// <summary>A random sequence of <paramref name="count"/> words, joined by <paramref name="separator"/>.</summary>
    public static string RandomWords(int count, string separator)
        => string.Join(separator, Enumerable.Range(0, count).Select(_ => Words[RandomNumberGenerator.GetInt32(Count)]));

    private static string[] Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Courier.Node.words.txt")
            ?? throw new InvalidOperationException("The word list is missing from the assembly.");
        using var reader = new StreamReader(stream);
        var words = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length != Count || words.Distinct(StringComparer.Ordinal).Count() != Count)
        {
            throw new InvalidOperationException($"The word list must hold {Count} distinct words.");
        }

        return words;
    }
}
