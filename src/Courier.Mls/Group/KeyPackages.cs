namespace Courier.Mls.Group;

/// <summary>
/// The checks a KeyPackage passes on its own, before a group exists to add it to (RFC 9420 §10.1,
/// §7.2, §7.3): so that an application can refuse a bad one when it receives it, rather than when a
/// commit that uses it fails. A group checks the rest (capabilities, uniqueness in its tree) when
/// the KeyPackage is added.
/// </summary>
public static class KeyPackages
{
    /// <summary>Accepts an MLSMessage(KeyPackage) of a supported ciphersuite, validly signed, whose leaf is valid at <paramref name="time"/>'s now.</summary>
    /// <exception cref="DecodeException">The bytes are not an MLSMessage.</exception>
    /// <exception cref="MessageRejectedException">It is not a KeyPackage, or fails a check (named in <see cref="MessageRejectedException.Check"/>).</exception>
    public static void Validate(ReadOnlySpan<byte> keyPackage, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var package = MLSMessage.FromBytes(keyPackage).KeyPackage
            ?? throw new MessageRejectedException(MlsCheck.WireFormat, "the message is not a KeyPackage");
        var suite = CipherSuite.Find(package.CipherSuite)
            ?? throw new MessageRejectedException(MlsCheck.KeyPackageCipherSuite, "the KeyPackage's ciphersuite is not supported");
        KeyPackageValidation.Validate(suite, package);
        if (!LeafNodeValidation.VerifySignature(package.LeafNode, suite, [], 0))
        {
            throw new MessageRejectedException(MlsCheck.LeafSignature, "the KeyPackage's leaf signature does not verify");
        }

        var now = (ulong)time.GetUtcNow().ToUnixTimeSeconds();
        if (package.LeafNode.Lifetime is { } lifetime && (now < lifetime.NotBefore || now > lifetime.NotAfter))
        {
            throw new MessageRejectedException(MlsCheck.LeafLifetime, "the KeyPackage is outside its lifetime");
        }
    }

    /// <summary>
    /// The ciphersuite an MLSMessage(KeyPackage) or MLSMessage(Welcome) names, or null when the bytes
    /// are neither: so that an application can hold a KeyPackage or an invitation to its policy (such
    /// as requiring a post-quantum suite) before using it.
    /// </summary>
    public static ushort? CipherSuiteOf(ReadOnlySpan<byte> message)
    {
        try
        {
            var decoded = MLSMessage.FromBytes(message);
            return decoded.KeyPackage?.CipherSuite ?? decoded.Welcome?.CipherSuite;
        }
        catch (DecodeException)
        {
            return null;
        }
    }

    /// <summary>
    /// The code name (credential identity) and signature key of an MLSMessage(KeyPackage)'s leaf, or
    /// null when the bytes are not one: so that an application can tell whom a KeyPackage stands for
    /// before using it (its signature is checked when it is added).
    /// </summary>
    public static GroupMember? LeafOf(ReadOnlySpan<byte> keyPackage)
    {
        try
        {
            return MLSMessage.FromBytes(keyPackage).KeyPackage is { } package ? new GroupMember(0, package.LeafNode.Credential.Identity ?? [], package.LeafNode.SignatureKey) : null;
        }
        catch (DecodeException)
        {
            return null;
        }
    }
}
