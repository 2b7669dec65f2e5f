namespace Courier.Mls.Crypto;

/// <summary>The signature schemes of the implemented ciphersuites (RFC 9420 §17.1, with the TLS SignatureScheme values).</summary>
internal enum SignatureScheme : ushort
{
    /// <summary>ecdsa_secp256r1_sha256: suite 2.</summary>
    EcdsaP256Sha256 = 0x0403,

    /// <summary>ed25519: suites 1 and 3.</summary>
    Ed25519 = 0x0807,
}
