using System.Text.Json;

namespace Courier.Mls.Tests.Hpke;

/// <summary>One case of the RFC 9180 test vectors (test-vectors-x25519-sha256.json and test-vectors-p256-sha256.json, base mode only).</summary>
internal sealed record HpkeVector(
    ushort KemId,
    ushort KdfId,
    ushort AeadId,
    byte[] Info,
    byte[] IkmR,
    byte[] IkmE,
    byte[] SkRm,
    byte[] SkEm,
    byte[] PkRm,
    byte[] PkEm,
    byte[] Enc,
    byte[] SharedSecret,
    byte[] KeyScheduleContext,
    byte[] Secret,
    byte[] Key,
    byte[] BaseNonce,
    byte[] ExporterSecret,
    IReadOnlyList<HpkeVector.Encryption> Encryptions,
    IReadOnlyList<HpkeVector.Export> Exports)
{
    /// <summary>The vendored files: DHKEM(X25519, HKDF-SHA256) and DHKEM(P-256, HKDF-SHA256).</summary>
    public static readonly string[] FileNames = ["test-vectors-x25519-sha256.json", "test-vectors-p256-sha256.json"];

    private static readonly Lazy<IReadOnlyList<HpkeVector>> Cases = new(Load);

    public static IReadOnlyList<HpkeVector> All => Cases.Value;

    /// <summary>The cases of DHKEM(X25519, HKDF-SHA256) (KEM 0x0020).</summary>
    public static IReadOnlyList<HpkeVector> X25519 => [.. All.Where(v => v.KemId == 0x0020)];

    /// <summary>The index of every case, for theories.</summary>
    public static TheoryData<int> Indexes()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < All.Count; i++)
        {
            data.Add(i);
        }

        return data;
    }

    public override string ToString() => $"HPKE vector mode 0, KEM 0x{KemId:x4}, KDF 0x{KdfId:x4}, AEAD 0x{AeadId:x4}";

    private static IReadOnlyList<HpkeVector> Load()
    {
        var cases = new List<HpkeVector>();
        foreach (var fileName in FileNames)
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(TestVectorPaths.Hpke(fileName)));
            cases.AddRange(document.RootElement.EnumerateArray().Select(Parse));
        }

        return cases;
    }

    private static HpkeVector Parse(JsonElement c)
    {
        if (c.GetProperty("mode").GetInt32() != 0)
        {
            throw new InvalidDataException("The vendored HPKE vectors should hold base mode only.");
        }

        return new HpkeVector(
            c.GetProperty("kem_id").GetUInt16(),
            c.GetProperty("kdf_id").GetUInt16(),
            c.GetProperty("aead_id").GetUInt16(),
            Hex(c, "info"),
            Hex(c, "ikmR"),
            Hex(c, "ikmE"),
            Hex(c, "skRm"),
            Hex(c, "skEm"),
            Hex(c, "pkRm"),
            Hex(c, "pkEm"),
            Hex(c, "enc"),
            Hex(c, "shared_secret"),
            Hex(c, "key_schedule_context"),
            Hex(c, "secret"),
            Hex(c, "key"),
            Hex(c, "base_nonce"),
            Hex(c, "exporter_secret"),
            [.. c.GetProperty("encryptions").EnumerateArray().Select(e => new Encryption(Hex(e, "aad"), Hex(e, "pt"), Hex(e, "ct")))],
            [.. c.GetProperty("exports").EnumerateArray().Select(e => new Export(Hex(e, "exporter_context"), e.GetProperty("L").GetInt32(), Hex(e, "exported_value")))]);
    }

    private static byte[] Hex(JsonElement element, string name) => Convert.FromHexString(element.GetProperty(name).GetString()!);

    internal sealed record Encryption(byte[] Aad, byte[] Plaintext, byte[] Ciphertext);

    internal sealed record Export(byte[] ExporterContext, int Length, byte[] ExportedValue);
}
