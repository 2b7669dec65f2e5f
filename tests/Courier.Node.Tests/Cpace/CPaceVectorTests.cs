using System.Text;
using Courier.Node.Cpace;

namespace Courier.Node.Tests.Cpace;

/// <summary>
/// CPACE-RISTR255-SHA512 against the official vectors of draft-irtf-cfrg-cpace-21 (vendored in
/// TestVectors/cpace: the appendix blocks and the suite's objects of testvectors.json).
/// </summary>
public class CPaceVectorTests
{
    private static readonly JsonElementLookup Appendix = new(TestVectorPaths.LoadCPace("draft-appendix-ristretto255.json"));

    // testvectors.json names the ristretto255 suite "Coffee25519".
    private static readonly System.Text.Json.JsonElement Suite = TestVectorPaths.LoadCPace("testvectors-ristretto255.json").GetProperty("G_Coffee25519");
    private static readonly System.Text.Json.JsonElement Points = TestVectorPaths.LoadCPace("testvectors-ristretto255.json").GetProperty("G_Coffee25519_points");

    [Fact]
    public void Prepend_len_matches_the_appendix()
    {
        var v = Appendix.Block("prepend_len test vectors");
        Assert.Equal(v.GetProperty("prepend_len(b'')").Hex(), CPaceStrings.PrependLen([]));
        Assert.Equal(v.GetProperty("prepend_len(b'1234')").Hex(), CPaceStrings.PrependLen("1234"u8));
        Assert.Equal(v.GetProperty("prepend_len(bytes(range(127)))").Hex(), CPaceStrings.PrependLen(Range(127)));
        Assert.Equal(v.GetProperty("prepend_len(bytes(range(128)))").Hex(), CPaceStrings.PrependLen(Range(128)));
    }

    [Fact]
    public void Lv_cat_matches_the_appendix()
    {
        var v = Appendix.Block("Testvector for lv_cat()");
        Assert.Equal(v.GetProperty("lv_cat(b'1234',b'5',b'',b'678')").Hex(), CPaceStrings.LvCat("1234"u8.ToArray(), "5"u8.ToArray(), [], "678"u8.ToArray()));
    }

    [Fact]
    public void O_cat_and_lexicographic_order_match_the_appendix()
    {
        var v = Appendix.Block("Test vectors ordered concatenation");
        Assert.Equal(v.GetProperty("o_cat(b'ABCD',b'BCD')").Hex(), CPaceStrings.OCat("ABCD"u8, "BCD"u8));
        Assert.Equal(v.GetProperty("o_cat(b'BCD',b'ABCDE')").Hex(), CPaceStrings.OCat("BCD"u8, "ABCDE"u8));

        // The comparisons listed in appendix A.3.3.
        Assert.False(CPaceStrings.LexicographicallyLarger([0], [0, 0]));
        Assert.True(CPaceStrings.LexicographicallyLarger([1], [0, 0]));
        Assert.True(CPaceStrings.LexicographicallyLarger([0, 0], [0]));
        Assert.False(CPaceStrings.LexicographicallyLarger([0, 0], [1]));
        Assert.False(CPaceStrings.LexicographicallyLarger([0, 1], [1]));
        Assert.False(CPaceStrings.LexicographicallyLarger("ABCD"u8, "BCD"u8));
    }

    [Theory]
    [InlineData("Test vectors transcript_ir function", "transcript_ir")]
    [InlineData("Test vectors for transcript_oc function", "transcript_oc")]
    public void Transcripts_match_the_appendix(string block, string function)
    {
        var v = Appendix.Block(block);
        Func<byte[], byte[], byte[], byte[], byte[]> transcript = function == "transcript_ir" ? CPaceStrings.TranscriptIr : CPaceStrings.TranscriptOc;
        Assert.Equal(
            v.GetProperty($"{function}(b'123',b'PartyA',b'234',b'PartyB')").Hex(),
            transcript("123"u8.ToArray(), "PartyA"u8.ToArray(), "234"u8.ToArray(), "PartyB"u8.ToArray()));
        Assert.Equal(
            v.GetProperty($"{function}(b'3456',b'PartyA',b'2345',b'PartyB')").Hex(),
            transcript("3456"u8.ToArray(), "PartyA"u8.ToArray(), "2345"u8.ToArray(), "PartyB"u8.ToArray()));
    }

    [Fact]
    public void Calculate_generator_matches_every_intermediate_of_the_appendix()
    {
        var v = Appendix.Block("Test vectors for calculate_generator with group ristretto255");
        var prs = v.GetProperty("PRS").Hex();
        var ci = v.GetProperty("CI").Hex();
        var sid = v.GetProperty("sid").Hex();
        Assert.Equal("CPaceRistretto255", Encoding.ASCII.GetString(v.GetProperty("DSI").Hex()));
        Assert.Equal(CPaceRistretto255.HashBlockSize, v.GetProperty("H.s_in_bytes").GetInt32());

        var generatorString = CPaceStrings.GeneratorString(CPaceRistretto255.Dsi, prs, ci, sid, CPaceRistretto255.HashBlockSize);
        Assert.Equal(v.GetProperty("generator_string(G.DSI,PRS,CI,sid,H.s_in_bytes)").Hex(), generatorString);
        var zpad = v.GetProperty("ZPAD length").GetInt32();
        var padAt = 1 + CPaceRistretto255.Dsi.Length + 1 + prs.Length;
        Assert.Equal(zpad, generatorString[padAt]);
        Assert.All(generatorString.AsSpan(padAt + 1, zpad).ToArray(), b => Assert.Equal(0, b));
        Assert.Equal(v.GetProperty("hash result").Hex(), System.Security.Cryptography.SHA512.HashData(generatorString));

        var generator = CPaceRistretto255.CalculateGenerator(prs, ci, sid);
        Assert.Equal(v.GetProperty("encoded generator g").Hex(), generator);
        Assert.Equal(Suite.GetProperty("g").Hex(), generator);
    }

    [Fact]
    public void Both_parties_reproduce_the_shares_K_and_ISK_of_the_initiator_responder_vector()
    {
        var (a, b) = StartVectorParties(CPaceMode.InitiatorResponder);
        using (a)
        using (b)
        {
            Assert.Equal(Suite.GetProperty("Ya").Hex(), a.Share);
            Assert.Equal(Suite.GetProperty("Yb").Hex(), b.Share);

            var expectedTranscript = CPaceStrings.TranscriptIr(a.Share, Suite.GetProperty("ADa").Hex(), b.Share, Suite.GetProperty("ADb").Hex());
            Assert.Equal(expectedTranscript, a.Transcript(b.Share, Suite.GetProperty("ADb").Hex()));
            Assert.Equal(expectedTranscript, b.Transcript(a.Share, Suite.GetProperty("ADa").Hex()));

            var iskA = a.Finish(b.Share, Suite.GetProperty("ADb").Hex());
            var iskB = b.Finish(a.Share, Suite.GetProperty("ADa").Hex());
            Assert.Equal(Suite.GetProperty("ISK_IR").Hex(), iskA);
            Assert.Equal(Suite.GetProperty("ISK_IR").Hex(), iskB);
            Assert.Equal(Suite.GetProperty("sid_output_ir").Hex(), CPaceRistretto255.SidOutput(expectedTranscript));
        }
    }

    [Fact]
    public void Both_parties_reproduce_ISK_of_the_symmetric_vector()
    {
        var (a, b) = StartVectorParties(CPaceMode.Symmetric);
        using (a)
        using (b)
        {
            var transcript = CPaceStrings.TranscriptOc(a.Share, Suite.GetProperty("ADa").Hex(), b.Share, Suite.GetProperty("ADb").Hex());
            Assert.Equal(transcript, b.Transcript(a.Share, Suite.GetProperty("ADa").Hex()));
            Assert.Equal(Suite.GetProperty("ISK_SY").Hex(), a.Finish(b.Share, Suite.GetProperty("ADb").Hex()));
            Assert.Equal(Suite.GetProperty("ISK_SY").Hex(), b.Finish(a.Share, Suite.GetProperty("ADa").Hex()));
            Assert.Equal(Suite.GetProperty("sid_output_oc").Hex(), CPaceRistretto255.SidOutput(transcript));
        }
    }

    [Fact]
    public void K_matches_the_vector_from_both_sides()
    {
        var k = new byte[32];
        Assert.True(CPaceRistretto255.ScalarMultVfy(Suite.GetProperty("ya").Hex(), Suite.GetProperty("Yb").Hex(), k));
        Assert.Equal(Suite.GetProperty("K").Hex(), k);
        Assert.True(CPaceRistretto255.ScalarMultVfy(Suite.GetProperty("yb").Hex(), Suite.GetProperty("Ya").Hex(), k));
        Assert.Equal(Suite.GetProperty("K").Hex(), k);
    }

    [Fact]
    public void Scalar_mult_and_scalar_mult_vfy_give_the_listed_result_for_the_valid_point()
    {
        var valid = Points.GetProperty("Valid");
        var s = valid.GetProperty("s").Hex();
        var x = valid.GetProperty("X").Hex();
        var result = new byte[32];
        Assert.True(CPaceRistretto255.ScalarMult(s, x, result));
        Assert.Equal(valid.GetProperty("G.scalar_mult(s,decode(X))").Hex(), result);
        Assert.True(CPaceRistretto255.ScalarMultVfy(s, x, result));
        Assert.Equal(valid.GetProperty("G.scalar_mult_vfy(s,X)").Hex(), result);
    }

    [Theory]
    [InlineData("Invalid Y1")]
    [InlineData("Invalid Y2")]
    public void The_official_invalid_points_give_the_identity_and_abort_a_run(string name)
    {
        var point = Points.GetProperty(name).Hex();
        var result = Enumerable.Repeat((byte)0xAA, 32).ToArray();
        Assert.False(CPaceRistretto255.ScalarMultVfy(Points.GetProperty("Valid").GetProperty("s").Hex(), point, result));
        Assert.Equal(new byte[32], result);

        var (a, b) = StartVectorParties(CPaceMode.InitiatorResponder);
        using (a)
        using (b)
        {
            Assert.Null(a.Finish(point, "ADb"u8));
            Assert.Null(b.Finish(point, "ADa"u8));
        }
    }

    [Fact]
    public void Non_canonical_and_malformed_shares_abort_a_run()
    {
        var ya = Suite.GetProperty("Ya").Hex();
        var negative = (byte[])ya.Clone();
        negative[0] ^= 1; // an odd s is a negative field element: RFC 9496 §4.3.1 rejects it
        var highBit = (byte[])ya.Clone();
        highBit[31] |= 0x80; // s at or above 2^255, not canonical
        byte[][] shares = [negative, highBit, Enumerable.Repeat((byte)0xFF, 32).ToArray(), ya[..31], [.. ya, 0], []];
        foreach (var share in shares)
        {
            var (a, b) = StartVectorParties(CPaceMode.InitiatorResponder);
            using (a)
            using (b)
            {
                Assert.Null(b.Finish(share, "ADa"u8));
            }
        }
    }

    [Fact]
    public void Sampled_scalars_are_below_2_to_the_252_and_differ()
    {
        var scalars = Enumerable.Range(0, 64).Select(_ => CPaceRistretto255.SampleScalar()).ToList();
        Assert.All(scalars, s => Assert.Equal(0, s[31] & 0xF0));
        Assert.Equal(scalars.Count, scalars.Select(Convert.ToHexString).Distinct().Count());
    }

    [Fact]
    public void A_wrong_password_gives_different_keys()
    {
        using var a = CPaceParty.Start(CPaceRole.A, CPaceMode.InitiatorResponder, "right"u8, "ci"u8, "sid"u8, "ADa"u8);
        using var b = CPaceParty.Start(CPaceRole.B, CPaceMode.InitiatorResponder, "wrong"u8, "ci"u8, "sid"u8, "ADb"u8);
        var iskA = a.Finish(b.Share, "ADb"u8);
        var iskB = b.Finish(a.Share, "ADa"u8);
        Assert.NotNull(iskA);
        Assert.NotNull(iskB);
        Assert.NotEqual(iskA, iskB);
    }

    [Fact]
    public void Random_runs_with_the_same_inputs_agree_and_a_scalar_is_used_once()
    {
        using var a = CPaceParty.Start(CPaceRole.A, CPaceMode.InitiatorResponder, "pw"u8, "ci"u8, "sid"u8, "ADa"u8);
        using var b = CPaceParty.Start(CPaceRole.B, CPaceMode.InitiatorResponder, "pw"u8, "ci"u8, "sid"u8, "ADb"u8);
        Assert.Equal(a.Finish(b.Share, "ADb"u8), b.Finish(a.Share, "ADa"u8));
        Assert.Throws<ObjectDisposedException>(() => a.Finish(b.Share, "ADb"u8));
    }

    private static (CPaceParty A, CPaceParty B) StartVectorParties(CPaceMode mode)
    {
        var prs = Suite.GetProperty("PRS").Hex();
        var ci = Suite.GetProperty("CI").Hex();
        var sid = Suite.GetProperty("sid").Hex();
        var a = CPaceParty.Start(CPaceRole.A, mode, prs, ci, sid, Suite.GetProperty("ADa").Hex(), Suite.GetProperty("ya").Hex());
        var b = CPaceParty.Start(CPaceRole.B, mode, prs, ci, sid, Suite.GetProperty("ADb").Hex(), Suite.GetProperty("yb").Hex());
        return (a, b);
    }

    private static byte[] Range(int count) => Enumerable.Range(0, count).Select(i => (byte)i).ToArray();
}
