using System.Security.Cryptography;
using Courier.Node.Wire;
using Courier.Relay.Client;

namespace Courier.Node.Tests.Wire;

/// <summary>A sealed envelope opens only with its key and drop, unaltered, and shows nothing but its size.</summary>
public sealed class SealedEnvelopeTests
{
    private static readonly DropName Drop = DropName.NewRandom();

    [Theory]
    [InlineData(0, EnvelopeSizes.Small)]
    [InlineData(EnvelopeSizes.Small - SealedEnvelope.Overhead - EnvelopeFrame.HeaderSize, EnvelopeSizes.Small)]
    [InlineData(EnvelopeSizes.Small - SealedEnvelope.Overhead - EnvelopeFrame.HeaderSize + 1, EnvelopeSizes.Medium)]
    [InlineData(SealedEnvelope.MaxContent, EnvelopeSizes.Max)]
    public void Content_is_sealed_into_the_smallest_size_that_holds_it_and_opens_again(int length, int size)
    {
        using var key = NewKey();
        var content = RandomNumberGenerator.GetBytes(length);
        var envelope = SealedEnvelope.Seal(key, Drop, 0x30, content);
        Assert.Equal(size, envelope.Length);
        var (kind, opened) = SealedEnvelope.TryOpen(key, Drop, envelope)!.Value;
        Assert.Equal(0x30, kind);
        Assert.Equal(content, opened);
    }

    [Fact]
    public void Content_larger_than_the_largest_envelope_is_refused()
    {
        using var key = NewKey();
        Assert.Throws<ArgumentException>(() => SealedEnvelope.Seal(key, Drop, 0x30, new byte[SealedEnvelope.MaxContent + 1]));
    }

    [Fact]
    public void Another_key_another_drop_any_flipped_bit_or_a_cut_envelope_opens_nothing()
    {
        using var key = NewKey();
        using var other = NewKey();
        var envelope = SealedEnvelope.Seal(key, Drop, 0x10, "greetings from Galya"u8);
        Assert.Null(SealedEnvelope.TryOpen(other, Drop, envelope));
        Assert.Null(SealedEnvelope.TryOpen(key, DropName.NewRandom(), envelope));
        Assert.Null(SealedEnvelope.TryOpen(key, Drop, envelope.AsSpan(0, envelope.Length - 1)));
        Assert.Null(SealedEnvelope.TryOpen(key, Drop, [.. envelope, 0]));
        for (var i = 0; i < envelope.Length; i += 37)
        {
            var altered = (byte[])envelope.Clone();
            altered[i] ^= 0x01;
            Assert.Null(SealedEnvelope.TryOpen(key, Drop, altered));
        }
    }

    [Fact]
    public void Two_envelopes_of_the_same_content_share_no_bytes_and_end_in_no_padding()
    {
        using var key = NewKey();
        var a = SealedEnvelope.Seal(key, Drop, 0x30, "the bath-house at dawn"u8);
        var b = SealedEnvelope.Seal(key, Drop, 0x30, "the bath-house at dawn"u8);
        Assert.Null(RelayView.SharedRun(a, b, 12));
        Assert.False(RelayView.EndsInZeros(a));
    }

    private static NSec.Cryptography.Key NewKey() => SealedEnvelope.ImportKey(RandomNumberGenerator.GetBytes(32));
}
