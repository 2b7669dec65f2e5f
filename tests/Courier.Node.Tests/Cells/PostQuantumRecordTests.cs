using Courier.Node.Cells;
using Courier.Node.Wire;

namespace Courier.Node.Tests.Cells;

/// <summary>
/// The records that carry the post-quantum settings: a layer record of version 2 keeps whether the
/// layer requires it, one of version 1 (before) reads as not requiring it; a cell record of version 3
/// keeps the cell's suite, one of version 2 (before) reads as suite 1.
/// </summary>
public class PostQuantumRecordTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_layer_record_keeps_whether_it_requires_post_quantum_cells(bool required)
    {
        var record = new LayerRecord([1], "north", ["https://relay.example:7700"], required);
        var back = LayerRecord.Decode([1], record.Encode());
        Assert.Equal(required, back.RequirePostQuantum);
        Assert.Equal(required, back.ToLayer().RequirePostQuantum);
        Assert.Equal(record.Relays, back.Relays);
    }

    [Fact]
    public void A_version_1_layer_record_does_not_require_it_and_a_bad_flag_is_refused()
    {
        using (var writer = new RecordWriter())
        {
            var v1 = writer.U8(1).Text("north").List(["https://relay.example:7700"u8.ToArray()]).ToArray();
            Assert.False(LayerRecord.Decode([1], v1).RequirePostQuantum);
        }

        using var v2Writer = new RecordWriter();
        var v2 = v2Writer.U8(2).Text("north").List(["https://relay.example:7700"u8.ToArray()]).U8(2).ToArray();
        Assert.Throws<MalformedRecordException>(() => LayerRecord.Decode([1], v2));
        Assert.Throws<MalformedRecordException>(() => LayerRecord.Decode([1], v2[..^1]));
    }

    [Fact]
    public void A_version_3_layer_record_keeps_each_relay_s_mix_pin_and_older_records_pin_none()
    {
        byte[] pin = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];
        var record = new LayerRecord([1], "north", ["https://a.example:7700", "https://b.example:7700"], true) { MixPins = [pin, []] };
        var back = LayerRecord.Decode([1], record.Encode());
        Assert.Equal([pin, []], back.MixPins);
        Assert.True(back.RequirePostQuantum);

        using var writer = new RecordWriter();
        var v2 = writer.U8(2).Text("north").List(["https://a.example:7700"u8.ToArray()]).U8(1).ToArray();
        var old = LayerRecord.Decode([1], v2);
        Assert.Equal([[]], old.MixPins);
        Assert.Equal(["https://a.example:7700"], old.Relays);

        // A pin list that does not match the relays, or a pin of the wrong length, is refused.
        using var bad = new RecordWriter();
        Assert.Throws<MalformedRecordException>(() => LayerRecord.Decode([1], bad.U8(3).Text("north").List(["https://a.example:7700"u8.ToArray()]).U8(0).List([new byte[31]]).ToArray()));
        using var extra = new RecordWriter();
        Assert.Throws<MalformedRecordException>(() => LayerRecord.Decode([1], extra.U8(3).Text("north").List(["https://a.example:7700"u8.ToArray()]).U8(0).List([pin, pin]).ToArray()));
    }

    [Fact]
    public void A_cell_record_keeps_its_suite_and_a_version_2_record_is_of_suite_1()
    {
        var record = new CellRecord([1], "cell", "layer", "https://relay.example:7700") { CipherSuite = 0x0054, Epoch = 3 };
        var back = CellRecord.Decode([1], record.Encode());
        Assert.Equal(0x0054, back.CipherSuite);
        Assert.Equal(0x0054, back.ToSummary().CipherSuite);

        // Version 2 was version 4 without the trailing suite and adding contact (an empty opaque: a 4-byte length).
        var v2 = record.Encode()[..^6];
        v2[0] = 2;
        Assert.Equal(1, CellRecord.Decode([1], v2).CipherSuite);
        Assert.Equal(3ul, CellRecord.Decode([1], v2).Epoch);
    }
}
