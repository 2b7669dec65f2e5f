using System.Security.Cryptography;
using System.Text;
using Courier.Sodium;

namespace Courier.Relay.Client.Bundles;

/// <summary>
/// One envelope a bundle carries to its drop: the sealed envelope as the sender's outbox holds it, its
/// message id (so a relay stores it once however often it arrives) and its append authorization: an
/// Ed25519 signature by the drop's append key over the drop, the id and the envelope's digest, with
/// no timestamp, so it stays valid while the bundle travels (docs/bundles.md, "Append authorization").
/// </summary>
public sealed record BundleEntry(DropName Drop, MessageId Id, byte[] Envelope, byte[] Authorization)
{
    /// <summary>An Ed25519 signature.</summary>
    public const int AuthorizationSize = 64;

    /// <summary>In a drop a relay exported, the envelope's sequence number there (increasing in the section); 0 when a node carried it.</summary>
    public long Seq { get; init; }

    private static readonly byte[] Context = Encoding.ASCII.GetBytes("courier-bundle-append-v1\n");

    /// <summary>An entry authorized by the drop's <paramref name="appendKey"/>.</summary>
    public static BundleEntry Authorize(DropAppendKey appendKey, DropName drop, MessageId id, byte[] envelope)
    {
        ArgumentNullException.ThrowIfNull(appendKey);
        return new BundleEntry(drop, id, envelope, appendKey.Sign(Signed(drop, id, envelope)));
    }

    /// <summary>Whether <see cref="Authorization"/> verifies with <paramref name="appendPublicKey"/> (the raw key the drop was created with).</summary>
    public bool IsAuthorizedBy(ReadOnlySpan<byte> appendPublicKey)
        => LibSodium.Ed25519Verify(Authorization, Signed(Drop, Id, Envelope), appendPublicKey);

    private static byte[] Signed(DropName drop, MessageId id, byte[] envelope)
        => [.. Context, .. drop.Bytes, .. id.Bytes, .. SHA256.HashData(envelope)];
}
