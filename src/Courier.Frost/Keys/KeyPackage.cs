using System.Security.Cryptography;

namespace Courier.Frost;

/// <summary>
/// One participant's key: its identifier, its secret signing share, its verifying share, the group public
/// key and the threshold (what RFC 9591 §5 calls the participant's inputs). The share is wiped on
/// <see cref="Dispose"/>; <see cref="ToString"/> shows no secret. Store <see cref="Serialize"/>'s bytes
/// only encrypted (the node's vault).
/// </summary>
public sealed class KeyPackage : IDisposable
{
    private readonly SecretScalar _signingShare;
    private readonly byte[] _verifyingShare;
    private readonly byte[] _groupPublicKey;

    internal KeyPackage(Identifier identifier, byte[] signingShare, byte[] groupPublicKey, int minSigners)
    {
        if (Group.IsZero(signingShare))
        {
            throw new FrostException(FrostError.InvalidScalar, "A signing share is not zero.");
        }

        Identifier = identifier;
        _signingShare = new SecretScalar(signingShare);
        _verifyingShare = Group.BaseMult(signingShare);
        _groupPublicKey = groupPublicKey;
        MinSigners = minSigners;
    }

    /// <summary>This participant.</summary>
    public Identifier Identifier { get; }

    /// <summary>The threshold: how many participants must sign.</summary>
    public int MinSigners { get; }

    /// <summary>The group public key (32 bytes, an Ed25519 public key).</summary>
    public byte[] GroupPublicKey => (byte[])_groupPublicKey.Clone();

    /// <summary>This participant's verifying share: its signing share times the base point.</summary>
    public byte[] VerifyingShare => (byte[])_verifyingShare.Clone();

    internal ReadOnlySpan<byte> SigningShare => _signingShare.Value;

    internal ReadOnlySpan<byte> GroupKey => _groupPublicKey;

    /// <summary>
    /// Checks the share against a public key package: same group key and threshold, and this share's
    /// image is the verifying share the package holds for this participant (vss_verify, Appendix C.2).
    /// </summary>
    public void CheckAgainst(PublicKeyPackage publicKeys)
    {
        if (publicKeys.MinSigners != MinSigners
            || !CryptographicOperations.FixedTimeEquals(publicKeys.GroupKey, _groupPublicKey)
            || !CryptographicOperations.FixedTimeEquals(publicKeys.VerifyingShareOf(Identifier), _verifyingShare))
        {
            throw new FrostException(FrostError.InconsistentKey, $"The share of participant {Identifier} does not belong to this public key package.", [Identifier]);
        }
    }

    /// <summary>
    /// <c>version | kind 1 | identifier (32) | signing share (32, secret) | group public key (32) | u16 min signers</c>.
    /// The verifying share is recomputed on reading. Secret: encrypt before storing.
    /// </summary>
    public byte[] Serialize() =>
        new WireWriter(WireKind.KeyPackage).Bytes(Identifier.Scalar).Bytes(SigningShare).Bytes(_groupPublicKey).U16(MinSigners).ToArray();

    /// <summary>Reads <see cref="Serialize"/>'s layout.</summary>
    public static KeyPackage Deserialize(ReadOnlySpan<byte> encoded)
    {
        var r = new WireReader(encoded, WireKind.KeyPackage, "key package");
        var id = r.Identifier();
        var share = r.Scalar("The signing share");
        try
        {
            var groupKey = r.Element("The group public key");
            var min = r.U16();
            r.End();
            return min < 2
                ? throw new FrostException(FrostError.ThresholdOutOfRange, "A threshold is at least 2.")
                : new KeyPackage(id, share, groupKey, min);
        }
        catch (FrostException)
        {
            Polynomial.Wipe([share]);
            throw;
        }
    }

    /// <summary>Wipes the signing share.</summary>
    public void Dispose() => _signingShare.Dispose();

    /// <inheritdoc/>
    public override string ToString() => $"KeyPackage(participant {Identifier}, {MinSigners} signers needed)";
}
