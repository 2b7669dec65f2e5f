namespace Courier.Frost;

/// <summary>
/// A participant's identifier: a non-zero scalar (RFC 9591 §4.1), encoded as 32 little-endian bytes
/// (SerializeScalar). Councils number their members 1, 2, 3 …; any non-zero scalar is accepted.
/// Identifiers are public. Lists of them are kept in ascending order (§4.3).
/// </summary>
public sealed class Identifier : IEquatable<Identifier>, IComparable<Identifier>
{
    /// <summary>The encoded size: 32 bytes.</summary>
    public const int Size = Group.ScalarSize;

    private readonly byte[] _scalar;

    private Identifier(byte[] scalar) => _scalar = scalar;

    /// <summary>The identifier of member <paramref name="number"/> (1 to 65535).</summary>
    public static Identifier FromNumber(int number)
    {
        if (number is < 1 or > ushort.MaxValue)
        {
            throw new FrostException(FrostError.ZeroIdentifier, "An identifier number is between 1 and 65535.");
        }

        return new Identifier(Group.FromUInt((uint)number));
    }

    /// <summary>Reads an encoded identifier: a canonical, non-zero scalar.</summary>
    public static Identifier Parse(ReadOnlySpan<byte> encoded)
    {
        var scalar = Group.DeserializeScalar(encoded, "The identifier");
        if (Group.IsZero(scalar))
        {
            throw new FrostException(FrostError.ZeroIdentifier, "An identifier is not zero.");
        }

        return new Identifier(scalar);
    }

    /// <summary>The 32-byte encoding.</summary>
    public byte[] ToBytes() => (byte[])_scalar.Clone();

    internal ReadOnlySpan<byte> Scalar => _scalar;

    /// <inheritdoc/>
    public bool Equals(Identifier? other) => other is not null && _scalar.AsSpan().SequenceEqual(other._scalar);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Identifier);

    /// <inheritdoc/>
    public override int GetHashCode() => BitConverter.ToInt32(_scalar, 0) ^ BitConverter.ToInt32(_scalar, 28);

    /// <inheritdoc/>
    public int CompareTo(Identifier? other) => other is null ? 1 : Group.Compare(_scalar, other._scalar);

    /// <summary>The number for identifiers below 2^32, otherwise the hex encoding.</summary>
    public override string ToString() =>
        _scalar.AsSpan(4).IndexOfAnyExcept((byte)0) < 0 ? BitConverter.ToUInt32(_scalar, 0).ToString(System.Globalization.CultureInfo.InvariantCulture) : Convert.ToHexStringLower(_scalar);

    /// <summary>
    /// Checks an encoded list of identifiers: strictly ascending, so that one list has one encoding.
    /// </summary>
    internal static void CheckAscending(IReadOnlyList<Identifier> identifiers)
    {
        for (var i = 1; i < identifiers.Count; i++)
        {
            var order = identifiers[i].CompareTo(identifiers[i - 1]);
            if (order == 0)
            {
                throw new FrostException(FrostError.DuplicateIdentifier, $"Identifier {identifiers[i]} appears twice.", [identifiers[i]]);
            }

            if (order < 0)
            {
                throw new FrostException(FrostError.Malformed, "The identifiers are not in ascending order.");
            }
        }
    }

    /// <summary>
    /// Checks a list of identifiers: none twice, and returns them in ascending order.
    /// </summary>
    internal static Identifier[] SortedDistinct(IEnumerable<Identifier> identifiers)
    {
        var sorted = identifiers.Order().ToArray();
        for (var i = 1; i < sorted.Length; i++)
        {
            if (sorted[i].Equals(sorted[i - 1]))
            {
                throw new FrostException(FrostError.DuplicateIdentifier, $"Identifier {sorted[i]} appears twice.", [sorted[i]]);
            }
        }

        return sorted;
    }
}
