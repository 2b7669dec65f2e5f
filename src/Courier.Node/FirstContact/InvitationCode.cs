using System.Globalization;
using System.Text;
using Courier.Node.Contacts;

namespace Courier.Node.FirstContact;

/// <summary>
/// An invitation code, <c>&lt;nameplate&gt;-&lt;secret&gt;</c>, as in magic-wormhole: the nameplate is
/// public (it names the relay's mailbox), the secret is the CPace password. A generated secret is
/// three words of <see cref="WordList"/> (30 bits); a user's own phrase may be used instead.
/// Secrets are compared after normalization: lower case, and any run of spaces or dashes as one dash,
/// so "Apple River  stone" and "apple-river-stone" are the same code. (The node runs with invariant
/// globalization, so no Unicode normalization is applied: a phrase with accents must be typed the
/// same way on both sides.)
/// </summary>
internal sealed class InvitationCode
{
    /// <summary>How many words a generated secret has.</summary>
    public const int GeneratedWords = 3;

    /// <summary>The longest secret accepted, in UTF-8 bytes.</summary>
    public const int MaxSecretBytes = 256;

    /// <summary>The largest nameplate number a relay hands out.</summary>
    public const int MaxNameplate = 99_999;

    private InvitationCode(int nameplate, string secret)
    {
        Nameplate = nameplate;
        Secret = secret;
    }

    public int Nameplate { get; }

    /// <summary>The normalized secret: the CPace password.</summary>
    public string Secret { get; }

    /// <summary>The code to show: <c>17-apple-river-stone</c>.</summary>
    public string Text => Nameplate.ToString(CultureInfo.InvariantCulture) + "-" + Secret;

    /// <summary>The secret of a new invitation: <paramref name="phrase"/> normalized, or three random words.</summary>
    /// <exception cref="InvalidCodeException">The phrase is empty, too long or holds control characters once normalized.</exception>
    public static string NewSecret(string? phrase) => phrase is null ? WordList.RandomWords(GeneratedWords, "-") : Normalize(phrase);

    /// <summary>The code of nameplate <paramref name="nameplate"/> with a secret from <see cref="NewSecret"/>.</summary>
    public static InvitationCode Create(int nameplate, string secret)
    {
        if (nameplate is < 1 or > MaxNameplate)
        {
            throw new ArgumentOutOfRangeException(nameof(nameplate), "A relay's nameplates are numbered 1 to 99999.");
        }

        return new InvitationCode(nameplate, secret);
    }

    /// <exception cref="InvalidCodeException">The text is not a nameplate number, a dash and a secret.</exception>
    public static InvitationCode Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        var dash = trimmed.IndexOf('-', StringComparison.Ordinal);
        if (dash is < 1 or > 5
            || !int.TryParse(trimmed.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var nameplate)
            || nameplate is < 1 or > MaxNameplate
            || trimmed[0] == '0')
        {
            throw new InvalidCodeException("An invitation code starts with the nameplate number (1 to 99999) and a dash, as in 17-apple-river-stone.");
        }

        return new InvitationCode(nameplate, Normalize(trimmed[(dash + 1)..]));
    }

    private static string Normalize(string phrase)
    {
        var parts = phrase.ToLowerInvariant().Split([' ', '\t', '\n', '\r', '-'], StringSplitOptions.RemoveEmptyEntries);
        var secret = string.Join('-', parts);
        if (secret.Length == 0)
        {
            throw new InvalidCodeException("The invitation code has no words after the nameplate number.");
        }

        if (Encoding.UTF8.GetByteCount(secret) > MaxSecretBytes)
        {
            throw new InvalidCodeException($"The phrase is longer than {MaxSecretBytes} bytes.");
        }

        if (secret.Any(char.IsControl))
        {
            throw new InvalidCodeException("The phrase contains control characters.");
        }

        return secret;
    }

    /// <inheritdoc/>
    public override string ToString() => $"InvitationCode(nameplate {Nameplate})";
}
