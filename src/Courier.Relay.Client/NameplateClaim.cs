namespace Courier.Relay.Client;

/// <summary>
/// One side's hold on a rendezvous nameplate: its number, which side it is, and the claim (32 random
/// bytes) the relay gave that side at allocation (the inviter) or join (the acceptor). Posting,
/// reading and releasing need the claim; keep it secret and never show it.
/// </summary>
public sealed class NameplateClaim
{
    /// <summary>Length of a claim in bytes.</summary>
    public const int Size = 32;

    /// <summary>A claim the relay gave, as unpadded base64url.</summary>
    /// <exception cref="ArgumentException">The claim is not 32 bytes of canonical unpadded base64url, or the number is not positive.</exception>
    public NameplateClaim(int number, string claim, bool isInviter)
    {
        ArgumentNullException.ThrowIfNull(claim);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(number);
        if (!WireBase64.TryDecode(claim, stackalloc byte[Size]))
        {
            throw new ArgumentException("A nameplate claim is 32 bytes in unpadded base64url.", nameof(claim));
        }

        Number = number;
        Claim = claim;
        IsInviter = isInviter;
    }

    /// <summary>The nameplate's number: the public part of an invitation code.</summary>
    public int Number { get; }

    /// <summary>True for the inviter's claim (from allocation), false for the acceptor's (from join).</summary>
    public bool IsInviter { get; }

    /// <summary>The claim in unpadded base64url, as sent in <c>Courier-Nameplate-Claim</c>. Secret.</summary>
    public string Claim { get; }

    /// <inheritdoc/>
    public override string ToString() => $"NameplateClaim({Number}, {(IsInviter ? "inviter" : "acceptor")})";
}
