using System.Text.Json;
using Courier.Mls.Crypto;

namespace Courier.Vectors;

/// <summary>
/// The checker of one official MLS test-vector file (mlswg/mls-implementations test-vectors.md).
/// <see cref="Check"/> runs one case and throws <see cref="VectorMismatchException"/> when a value
/// differs from what the file says.
/// </summary>
public abstract class VectorFile
{
    /// <summary>The file name, such as "tree-math.json".</summary>
    public abstract string FileName { get; }

    /// <summary>True when cases carry a "cipher_suite" field and run per suite.</summary>
    public virtual bool PerSuite => true;

    /// <summary>Checks one case. <paramref name="suite"/> is null when <see cref="PerSuite"/> is false.</summary>
    internal abstract void Check(JsonElement testCase, CipherSuite? suite);
}

/// <summary>A file whose checker belongs to work not yet built: every case is skipped with the reason.</summary>
public sealed class NotYetBuilt(string fileName, string reason) : VectorFile
{
    /// <inheritdoc/>
    public override string FileName => fileName;

    /// <summary>Why the file is skipped.</summary>
    public string Reason => reason;

    internal override void Check(JsonElement testCase, CipherSuite? suite) => throw new InvalidOperationException(reason);
}

/// <summary>A computed value differs from the test vector.</summary>
public sealed class VectorMismatchException(string message) : Exception(message);
