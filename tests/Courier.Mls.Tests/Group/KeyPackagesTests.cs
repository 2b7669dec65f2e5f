using System.Text;
using Courier.Mls.Codec;
using Courier.Mls.Crypto;
using Courier.Mls.Group;

namespace Courier.Mls.Tests.Group;

/// <summary><see cref="KeyPackages.Validate"/>: a KeyPackage checked on its own, when it arrives, before any group uses it.</summary>
public class KeyPackagesTests
{
    private const ulong NotBefore = 1_700_000_000;
    private const ulong NotAfter = 1_800_000_000;

    private static readonly TimeProvider Inside = new FixedClock(DateTimeOffset.FromUnixTimeSeconds(1_750_000_000));

    [Theory]
    [InlineData(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519)]
    [InlineData(CipherSuiteId.MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519)]
    public void A_fresh_KeyPackage_is_accepted(CipherSuiteId suite)
    {
        using var bundle = Bundle(suite);
        KeyPackages.Validate(bundle.KeyPackageBytes, Inside);
    }

    [Fact]
    public void Outside_its_lifetime_it_is_refused()
    {
        using var bundle = Bundle(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519);
        var late = Assert.Throws<MessageRejectedException>(() => KeyPackages.Validate(bundle.KeyPackageBytes, new FixedClock(DateTimeOffset.FromUnixTimeSeconds((long)NotAfter + 1))));
        Assert.Equal(MlsCheck.LeafLifetime, late.Check);
        var early = Assert.Throws<MessageRejectedException>(() => KeyPackages.Validate(bundle.KeyPackageBytes, new FixedClock(DateTimeOffset.FromUnixTimeSeconds((long)NotBefore - 1))));
        Assert.Equal(MlsCheck.LeafLifetime, early.Check);
    }

    [Fact]
    public void A_flipped_bit_anywhere_is_refused_or_fails_to_decode()
    {
        using var bundle = Bundle(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519);
        var bytes = bundle.KeyPackageBytes;
        for (var i = 0; i < bytes.Length; i++)
        {
            var altered = (byte[])bytes.Clone();
            altered[i] ^= 0x01;
            var error = Record.Exception(() => KeyPackages.Validate(altered, Inside));
            Assert.True(error is MessageRejectedException or DecodeException, $"byte {i}: {error?.GetType().Name ?? "accepted"}");
        }
    }

    [Fact]
    public void Another_kind_of_message_or_garbage_is_refused()
    {
        Assert.Throws<DecodeException>(() => KeyPackages.Validate([1, 2, 3], Inside));
        using var creator = Bundle(CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519);
        using var group = Groups.Create([7, 7, 7], creator, SystemRandom.Instance);
        var rejected = Assert.Throws<MessageRejectedException>(() => KeyPackages.Validate(group.GroupInfo(), Inside));
        Assert.Equal(MlsCheck.WireFormat, rejected.Check);
    }

    private static KeyPackageBundle Bundle(CipherSuiteId suite)
    {
        using var signer = SignaturePrivateKey.Generate(SystemRandom.Instance);
        return KeyPackageBundle.Generate(suite, Encoding.UTF8.GetBytes("Galya"), signer, NotBefore, NotAfter, SystemRandom.Instance);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
