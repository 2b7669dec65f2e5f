namespace Courier.Mls.Group;

/// <summary>
/// RFC 9420 §7.2: what Courier supports, as the capabilities of its LeafNodes list it. The default
/// proposal types (add .. group_context_extensions) and extension types (application_id ..
/// external_senders) MUST NOT be listed; Courier supports no others, so those two lists are empty.
/// Every other list names every value Courier supports ("The client MUST list all values").
/// </summary>
internal static class SupportedCapabilities
{
    /// <summary>The protocol versions: mls10 only.</summary>
    public static IReadOnlyList<ushort> Versions => [GroupContext.Mls10];

    /// <summary>The ciphersuites: 1, 2, 3 and the X-Wing suite 0x0054.</summary>
    public static IReadOnlyList<ushort> CipherSuites =>
    [
        (ushort)CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519,
        (ushort)CipherSuiteId.MLS_128_DHKEMP256_AES128GCM_SHA256_P256,
        (ushort)CipherSuiteId.MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519,
        (ushort)CipherSuiteId.MLS_256_XWING_CHACHA20POLY1305_SHA512_Ed25519,
    ];

    /// <summary>The non-default extension types: none.</summary>
    public static IReadOnlyList<ushort> Extensions => [];

    /// <summary>The non-default proposal types: none.</summary>
    public static IReadOnlyList<ProposalType> Proposals => [];

    /// <summary>
    /// The credential types: basic, which Courier issues, and x509, which it accepts from others
    /// (RFC 9420 §5.3, see <see cref="TreeSync.X509CredentialKey"/>). A group may require both of
    /// every member (§11.1: credential types must be listed even when "default"); Wire's core-crypto
    /// does, and refuses to add a KeyPackage listing basic alone.
    /// </summary>
    public static IReadOnlyList<CredentialType> Credentials => [CredentialType.Basic, CredentialType.X509];

    /// <summary>A new Capabilities value with the lists above.</summary>
    public static Capabilities Create() => new(Versions, CipherSuites, Extensions, Proposals, Credentials);
}
