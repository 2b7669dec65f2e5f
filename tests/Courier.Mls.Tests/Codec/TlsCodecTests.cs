using Courier.Mls.Codec;

namespace Courier.Mls.Tests.Codec;

public class TlsCodecTests
{
    [Theory]
    [InlineData(0, "00")]
    [InlineData(63, "3f")]
    [InlineData(64, "4040")]
    [InlineData(16383, "7fff")]
    [InlineData(16384, "80004000")]
    [InlineData((1 << 30) - 1, "bfffffff")]
    public void Varint_round_trips_minimally(int value, string hex)
    {
        var writer = new TlsWriter();
        writer.WriteVarint(value);
        Assert.Equal(hex, Convert.ToHexStringLower(writer.Written));
        Assert.Equal(value, TlsReader.Decode(Convert.FromHexString(hex), "varint", (ref TlsReader r) => r.ReadVarint()));
    }

    [Theory]
    [InlineData("4000", DecodeError.NonMinimalVarint)]
    [InlineData("403f", DecodeError.NonMinimalVarint)]
    [InlineData("80003fff", DecodeError.NonMinimalVarint)]
    [InlineData("c0000000", DecodeError.InvalidVarintPrefix)]
    [InlineData("40", DecodeError.Truncated)]
    [InlineData("800040", DecodeError.Truncated)]
    [InlineData("", DecodeError.Truncated)]
    [InlineData("0000", DecodeError.TrailingBytes)]
    public void Bad_varints_are_typed_errors(string hex, DecodeError expected)
    {
        var e = Assert.Throws<DecodeException>(() => TlsReader.Decode(Convert.FromHexString(hex), "varint", (ref TlsReader r) => r.ReadVarint()));
        Assert.Equal(expected, e.Reason);
    }

    [Fact]
    public void Vector_longer_than_its_input_is_truncated()
    {
        var e = Assert.Throws<DecodeException>(() => TlsReader.Decode([0x05, 1, 2], "opaque", (ref TlsReader r) => r.ReadOpaqueArray()));
        Assert.Equal(DecodeError.Truncated, e.Reason);
    }

    [Fact]
    public void Vector_length_ending_inside_its_last_element_is_truncated_not_read_past()
    {
        // struct { Item items<V>; uint8 next; }, Item = opaque<V>, one item: 04 | 03 010203 | 07. With the
        // length lowered to 3 a reader that takes elements until it reaches or passes the length
        // gets the same value (OpenMLS's tamper finding, interop/README.md); RFC 9420 §2.1.2 makes
        // the length the byte count of the elements, so the lowered copy must not decode.
        static (List<byte[]> Items, byte Next) Read(ref TlsReader r) =>
            (r.ReadVector((ref TlsReader e) => e.ReadOpaqueArray()), r.ReadUInt8());
        var (items, next) = TlsReader.Decode(Convert.FromHexString("040301020307"), "struct", Read);
        Assert.Equal([1, 2, 3], Assert.Single(items));
        Assert.Equal(7, next);
        var e = Assert.Throws<DecodeException>(() => TlsReader.Decode(Convert.FromHexString("030301020307"), "struct", Read));
        Assert.Equal(DecodeError.Truncated, e.Reason);
    }

    [Fact]
    public void Optional_marker_other_than_0_or_1_is_rejected()
    {
        var e = Assert.Throws<DecodeException>(() => TlsReader.Decode([0x02], "optional", (ref TlsReader r) => r.ReadPresence()));
        Assert.Equal(DecodeError.InvalidValue, e.Reason);
    }

    [Fact]
    public void Opaque_outside_its_bounds_is_out_of_range()
    {
        var e = Assert.Throws<DecodeException>(() => TlsReader.Decode([0x02, 1, 2], "opaque", (ref TlsReader r) => r.ReadOpaqueArray(3, 5)));
        Assert.Equal(DecodeError.LengthOutOfRange, e.Reason);
    }

    [Fact]
    public void Nested_vectors_round_trip()
    {
        var writer = new TlsWriter();
        writer.WriteVector(w =>
        {
            w.WriteOpaque([1, 2, 3]);
            w.WriteOpaque([]);
        });
        var bytes = writer.ToArray();
        Assert.Equal("050301020300", Convert.ToHexStringLower(bytes));
        var items = TlsReader.Decode(bytes, "vector", (ref TlsReader r) => r.ReadVector((ref TlsReader e) => e.ReadOpaqueArray()));
        Assert.Equal(2, items.Count);
        Assert.Equal([1, 2, 3], items[0]);
    }

    [Fact]
    public void Deep_nesting_is_refused_not_a_stack_overflow()
    {
        // 100 nested vectors: [ [ [ ... ] ] ]
        byte[] bytes = [];
        for (var i = 0; i < 100; i++)
        {
            var writer = new TlsWriter();
            writer.WriteOpaque(bytes);
            bytes = writer.ToArray();
        }

        var e = Assert.Throws<DecodeException>(() => TlsReader.Decode(bytes, "nested", Descend));
        Assert.Equal(DecodeError.NestingTooDeep, e.Reason);

        static int Descend(ref TlsReader reader)
        {
            var inner = reader.ReadVector();
            return inner.IsEmpty ? 0 : 1 + Descend(ref inner);
        }
    }
}
