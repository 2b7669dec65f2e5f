using Courier.Mls.Crypto;

namespace Courier.Mls.Tests;

/// <summary>The ciphersuites every suite-dependent test runs over: Courier's four.</summary>
internal static class TestSuites
{
    public static TheoryData<CipherSuiteId> All() =>
    [
        CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519,
        CipherSuiteId.MLS_128_DHKEMP256_AES128GCM_SHA256_P256,
        CipherSuiteId.MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519,
        CipherSuiteId.MLS_256_XWING_CHACHA20POLY1305_SHA512_Ed25519,
    ];
}
