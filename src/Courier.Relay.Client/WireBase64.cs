using System.Buffers.Text;

namespace Courier.Relay.Client;

/// <summary>Strict unpadded base64url: only the canonical encoding of exactly the expected length is accepted.</summary>
internal static class WireBase64
{
    public static bool TryDecode(ReadOnlySpan<char> text, Span<byte> destination)
    {
        if (text.Length != Base64Url.GetEncodedLength(destination.Length))
        {
            return false;
        }

        foreach (char c in text)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_'))
            {
                return false;
            }
        }

        try
        {
            if (!Base64Url.TryDecodeFromChars(text, destination, out int written) || written != destination.Length)
            {
                return false;
            }
        }
        catch (FormatException)
        {
            return false;
        }

        // Reject stray low bits in the last character, so each value has exactly one spelling.
        Span<char> canonical = stackalloc char[text.Length];
        return Base64Url.TryEncodeToChars(destination, canonical, out _) && canonical.SequenceEqual(text);
    }
}
