using System.Security.Cryptography;

namespace Courier.Node;

/// <summary>
/// A contact as the user sees it. Nothing here is secret, but all of it is sensitive: the node stores
/// it only sealed in the vault.
/// </summary>
/// <param name="Id">The contact's id in this vault (32 hex digits); never sent anywhere.</param>
/// <param name="Name">The code name the contact gave us.</param>
/// <param name="OurCodeName">The code name we gave this contact (each contact knows us by a different one).</param>
/// <param name="Fingerprint">A short digest of the contact's pairwise signing key, to compare over another channel.</param>
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
    /// <summary>SHA-256 of the key under a label, first 10 bytes, as five groups of four hex digits.</summary>
    internal static string FingerprintOf(ReadOnlySpan<byte> signingKey)
    {
        var digest = SHA256.HashData([.. "courier fingerprint v1"u8, .. signingKey]);
        var hex = Convert.ToHexStringLower(digest.AsSpan(0, 10));
        return string.Join(' ', Enumerable.Range(0, 5).Select(i => hex.Substring(i * 4, 4)));
    }
}
