using System.Security.Cryptography;

namespace Courier.Node;

/// <summary>
/// A contact as the user sees it. Nothing here is secret, but all of it is sensitive: the node stores
/// it only sealed in the vault.
/// </summary>
/// <param name="Id">The contact's id in this vault (32 hex digits); never sent anywhere.</param>
/// <param name="Name">The code name the contact gave us.</param>
/// <param name="OurCodeName">The code name we gave this contact (each contact knows us by a different one).</param>
/// <param name="Fingerprint">
/// Six groups of five digits computed from both sides' pairwise public keys: the contact sees the same
/// string for us, so the two people can read it to each other over another channel, and a man in the
/// middle (who gave each side a key of its own) shows up as two different strings.
/// </param>
/// <param name="IntroducedById">The id of the contact who introduced this one, or null after a first contact by phrase.</param>
/// <param name="IntroducedByName">That introducer's code name, as we know them.</param>
/// <param name="IntroducedAs">The name the introducer knows this contact by.</param>
/// <param name="AddedAt">When the contact was added.</param>
/// <param name="Relay">The relay where the contact's dead drops are.</param>
public sealed record Contact(
    string Id,
    string Name,
    string OurCodeName,
    string Fingerprint,
    string? IntroducedById,
    string? IntroducedByName,
    string? IntroducedAs,
    DateTimeOffset AddedAt,
    string Relay)
{
    /// <summary>The number of groups of five digits in a fingerprint (about 100 bits).</summary>
    private const int FingerprintGroups = 6;

    /// <summary>
    /// SHA-512 of a label and the two pairwise signing keys in bytewise order (so that both sides get
    /// the same digest); each 5 bytes of its first 30, as a big-endian number modulo 100000, make a
    /// group of five digits. A man in the middle of a first contact sends the inviter his key before he
    /// learns the inviter's (the acceptor's offer comes first), so making the two sides' strings match
    /// takes him about 2^100 tries, not the 2^50 of a collision.
    /// </summary>
    internal static string FingerprintOf(ReadOnlySpan<byte> ourKey, ReadOnlySpan<byte> theirKey)
    {
        if (ourKey.Length != Contacts.Ed25519.PublicKeySize || theirKey.Length != Contacts.Ed25519.PublicKeySize)
        {
            throw new ArgumentException($"Pairwise keys are {Contacts.Ed25519.PublicKeySize} bytes.");
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        hash.AppendData("courier contact fingerprint v2"u8);
        var ourFirst = ourKey.SequenceCompareTo(theirKey) <= 0;
        hash.AppendData(ourFirst ? ourKey : theirKey);
        hash.AppendData(ourFirst ? theirKey : ourKey);
        var digest = hash.GetHashAndReset();

        var groups = new string[FingerprintGroups];
        for (var i = 0; i < FingerprintGroups; i++)
        {
            var value = 0UL;
            foreach (var b in digest.AsSpan(i * 5, 5))
            {
                value = (value << 8) | b;
            }

            groups[i] = (value % 100_000).ToString("D5", System.Globalization.CultureInfo.InvariantCulture);
        }

        return string.Join(' ', groups);
    }
}
