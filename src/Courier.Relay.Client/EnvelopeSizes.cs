namespace Courier.Relay.Client;

/// <summary>
/// The padding buckets: the only envelope sizes a relay stores. Nodes pad every envelope to one of
/// these so that ciphertext lengths reveal no more than the bucket.
/// </summary>
public static class EnvelopeSizes
{
    /// <summary>1 KiB.</summary>
    public const int Small = 1024;

    /// <summary>4 KiB.</summary>
    public const int Medium = 4 * 1024;

    /// <summary>16 KiB.</summary>
    public const int Large = 16 * 1024;

    /// <summary>64 KiB, the largest envelope.</summary>
    public const int Max = 64 * 1024;

    /// <summary>Every allowed size, smallest first.</summary>
    public static IReadOnlyList<int> All { get; } = [Small, Medium, Large, Max];

    /// <summary>The sizes a rendezvous nameplate stores, smallest first: first contact needs no more.</summary>
    public static IReadOnlyList<int> Nameplate { get; } = [Small, Medium];

    /// <summary>True when <paramref name="length"/> is one of the buckets.</summary>
    public static bool IsAllowed(int length) => length is Small or Medium or Large or Max;

    /// <summary>True when <paramref name="length"/> is one of the <see cref="Nameplate"/> sizes.</summary>
    public static bool IsAllowedOnNameplate(int length) => length is Small or Medium;

    /// <summary>The smallest bucket that holds <paramref name="length"/> bytes, or -1 when none does.</summary>
    public static int BucketFor(int length)
    {
        foreach (int size in All)
        {
            if (length <= size)
            {
                return size;
            }
        }

        return -1;
    }
}
