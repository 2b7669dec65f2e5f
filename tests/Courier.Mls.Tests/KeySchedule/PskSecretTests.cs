using Courier.Mls.Messages;
using Courier.Mls.Codec;
using Courier.Mls.Crypto;
using Courier.Mls.KeySchedule;

namespace Courier.Mls.Tests.KeySchedule;

public class PskSecretTests
{
    [Fact]
    public void Psk_order_and_nonce_change_the_psk_secret()
    {
        var idA = PreSharedKeyID.External([1], new byte[32]);
        var idB = PreSharedKeyID.Resumption(ResumptionPSKUsage.Application, [7, 7], 3, new byte[32]);
        var idAOtherNonce = PreSharedKeyID.External([1], Enumerable.Repeat((byte)1, 32).ToArray());
        using var pskA = Secret.Copy(Enumerable.Repeat((byte)0xA, 32).ToArray());
        using var pskB = Secret.Copy(Enumerable.Repeat((byte)0xB, 32).ToArray());

        using var ab = PskSecret.Derive(CipherSuite.Suite1, [(idA, pskA), (idB, pskB)]);
        using var ba = PskSecret.Derive(CipherSuite.Suite1, [(idB, pskB), (idA, pskA)]);
        using var a = PskSecret.Derive(CipherSuite.Suite1, [(idA, pskA)]);
        using var aOtherNonce = PskSecret.Derive(CipherSuite.Suite1, [(idAOtherNonce, pskA)]);

        Assert.False(ab.ContentEquals(ba));
        Assert.False(ab.ContentEquals(a));
        Assert.False(a.ContentEquals(aOtherNonce));
        Assert.False(a.ContentEquals(new byte[32]));
        Assert.False(pskA.IsDisposed);
    }

    [Fact]
    public void PreSharedKeyIds_round_trip()
    {
        PreSharedKeyID[] ids =
        [
            PreSharedKeyID.External([1, 2, 3], [9, 9]),
            PreSharedKeyID.Resumption(ResumptionPSKUsage.Reinit, [4, 5], ulong.MaxValue, [8]),
            PreSharedKeyID.Resumption(ResumptionPSKUsage.Branch, [], 0, []),
        ];
        foreach (var id in ids)
        {
            var bytes = TlsWriter.Encode(id);
            var decoded = TlsReader.Decode(bytes, "PreSharedKeyID", PreSharedKeyID.Decode);
            Assert.Equal(id, decoded);
            Assert.Equal(id.GetHashCode(), decoded.GetHashCode());
        }

        Assert.Equal("0103010203020909", Convert.ToHexStringLower(TlsWriter.Encode(ids[0])));
        Assert.Equal("020202040500000000000000010108", Convert.ToHexStringLower(TlsWriter.Encode(PreSharedKeyID.Resumption(ResumptionPSKUsage.Reinit, [4, 5], 1, [8]))));
        Assert.NotEqual(ids[0], PreSharedKeyID.External([1, 2, 3], [9, 8]));
    }

    [Theory]
    [InlineData("00000100")]             // reserved psktype
    [InlineData("0300")]                 // unknown psktype
    [InlineData("020000000000000000000000")] // reserved usage
    [InlineData("02040000000000000000000000")] // unknown usage
    public void Reserved_or_unknown_values_are_rejected(string hex)
    {
        var e = Assert.Throws<DecodeException>(() => TlsReader.Decode(Convert.FromHexString(hex), "PreSharedKeyID", PreSharedKeyID.Decode));
        Assert.Equal(DecodeError.InvalidValue, e.Reason);
    }

    [Fact]
    public void Truncated_id_is_rejected()
    {
        var e = Assert.Throws<DecodeException>(() => TlsReader.Decode(Convert.FromHexString("010301"), "PreSharedKeyID", PreSharedKeyID.Decode));
        Assert.Equal(DecodeError.Truncated, e.Reason);
    }

    [Fact]
    public void Bad_arguments_are_caller_errors()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PreSharedKeyID.Resumption(0, [], 0, []));
        Assert.Throws<ArgumentNullException>(() => PreSharedKeyID.External(null!, []));
        Assert.Throws<ArgumentNullException>(() => PskSecret.Derive(CipherSuite.Suite1, [(PreSharedKeyID.External([], []), null!)]));
    }
}
