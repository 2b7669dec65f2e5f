namespace Courier.Mls.Group;

/// <summary>RFC 9420 §5.2: <c>KeyPackageRef = MakeKeyPackageRef(KeyPackage) = RefHash("MLS 1.0 KeyPackage Reference", KeyPackage)</c>.</summary>
internal static class KeyPackageReference
{
    /// <summary>The RefHash label of a KeyPackageRef.</summary>
    public const string Label = "MLS 1.0 KeyPackage Reference";

    /// <summary>The KeyPackageRef of <paramref name="keyPackage"/>, with the hash of <paramref name="suite"/> (the KeyPackage's own suite).</summary>
    public static byte[] Compute(CipherSuite suite, KeyPackage keyPackage)
    {
        ArgumentNullException.ThrowIfNull(suite);
        ArgumentNullException.ThrowIfNull(keyPackage);
        return suite.RefHash(Label, keyPackage.ToBytes());
    }
}
