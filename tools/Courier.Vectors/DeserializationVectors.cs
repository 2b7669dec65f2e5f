using System.Text.Json;
using Courier.Mls.Codec;
using Courier.Mls.Crypto;

namespace Courier.Vectors;

/// <summary>deserialization.json: variable-length vector headers (RFC 9420 §2.1.2).</summary>
public sealed class DeserializationVectors : VectorFile
{
    /// <inheritdoc/>
    public override string FileName => "deserialization.json";

    /// <inheritdoc/>
    public override bool PerSuite => false;

    internal override void Check(JsonElement testCase, CipherSuite? suite)
    {
        var header = Expect.Hex(testCase, "vlbytes_header");
        var length = (int)Expect.UInt32(testCase, "length");
        Expect.Equal(length, TlsReader.Decode(header, "vlbytes header", (ref TlsReader r) => r.ReadVarint()), "decoded length");
        var writer = new TlsWriter();
        writer.WriteVarint(length);
        Expect.Equal(header, writer.Written, "encoded header");
    }
}
