using System.Text.Json;
using Courier.Mls.Crypto;

namespace Courier.Vectors;

/// <summary>Reading fields of a test case and comparing results, with messages that name the field.</summary>
internal static class Expect
{
    public static byte[] Hex(JsonElement element, string name) => Convert.FromHexString(element.GetProperty(name).GetString()!);

    public static byte[]? OptionalHex(JsonElement element, string name)
        => element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? Convert.FromHexString(value.GetString()!) : null;

    public static string String(JsonElement element, string name) => element.GetProperty(name).GetString()!;

    public static uint UInt32(JsonElement element, string name) => element.GetProperty(name).GetUInt32();

    public static ulong UInt64(JsonElement element, string name) => element.GetProperty(name).GetUInt64();

    public static void Equal(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual, string what)
    {
        if (!expected.SequenceEqual(actual))
        {
            throw new VectorMismatchException($"{what}: expected {Convert.ToHexStringLower(expected)}, got {Convert.ToHexStringLower(actual)}");
        }
    }

    public static void Equal(byte[] expected, byte[] actual, string what) => Equal(expected.AsSpan(), actual.AsSpan(), what);

    /// <summary>Compares and then wipes a secret the check produced.</summary>
    public static void Equal(ReadOnlySpan<byte> expected, Secret actual, string what)
    {
        using (actual)
        {
            Equal(expected, actual.Span, what);
        }
    }

    public static void Equal<T>(T expected, T actual, string what)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual))
        {
            throw new VectorMismatchException($"{what}: expected {expected}, got {actual}");
        }
    }

    public static void True(bool condition, string what)
    {
        if (!condition)
        {
            throw new VectorMismatchException(what);
        }
    }
}
