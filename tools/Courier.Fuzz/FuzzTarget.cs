namespace Courier.Fuzz;

/// <summary>
/// One fuzz target: a parser fed arbitrary bytes. The contract is that any input either parses or
/// is refused with one of <see cref="Refusals"/> (the parser's typed errors); any other exception
/// escapes <see cref="Run"/> and is a crash.
/// </summary>
public sealed class FuzzTarget
{
    private readonly Action<byte[]> _parse;

    /// <summary>A target named <paramref name="name"/> that refuses with <paramref name="refusals"/>.</summary>
    public FuzzTarget(string name, string covers, Action<byte[]> parse, params Type[] refusals)
    {
        Name = name;
        Covers = covers;
        _parse = parse;
        Refusals = refusals;
    }

    /// <summary>The name <c>tools/fuzz.sh</c> takes and the corpus folder is named after.</summary>
    public string Name { get; }

    /// <summary>What the target feeds the bytes to.</summary>
    public string Covers { get; }

    /// <summary>The typed errors that count as a clean refusal.</summary>
    public IReadOnlyList<Type> Refusals { get; }

    /// <summary>Parses <paramref name="input"/>: true when it parses, false when it is refused.</summary>
    public bool Run(byte[] input)
    {
        try
        {
            _parse(input);
            return true;
        }
        catch (Exception e) when (IsRefusal(e, Refusals))
        {
            // A typed refusal is the contract; anything else escapes as a crash.
            return false;
        }
    }

    /// <summary>Whether <paramref name="e"/> is one of <paramref name="refusals"/>.</summary>
    internal static bool IsRefusal(Exception e, IReadOnlyList<Type> refusals) => refusals.Any(type => type.IsInstanceOfType(e));
}
