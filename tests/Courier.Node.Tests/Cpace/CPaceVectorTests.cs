using System.Text;
using Courier.Node.Cpace;

namespace Courier.Node.Tests.Cpace;

/// <summary>
/// CPACE-X25519-SHA512 against the official vectors of draft-irtf-cfrg-cpace-21 (vendored in
/// TestVectors/cpace: the appendix blocks, testvectors.json and the low-order point table).
/// </summary>
public class CPaceVectorTests
{
    private static readonly JsonElementLookup Appendix = new(TestVectorPaths.LoadCPace("draft-appendix-x25519.json"));
    private static readonly System.Text.Json.JsonElement Suite = TestVectorPaths.LoadCPace("testvectors-x25519.json").GetProperty("G_25519");

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
        var v = Appendix.Block("Test vectors for calculate_generator with group X25519");
        var prs = v.GetProperty("PRS").Hex();
        var ci = v.GetProperty("CI").Hex();
        var sid = v.GetProperty("sid").Hex();
        Assert.Equal("CPace255", Encoding.ASCII.GetString(v.GetProperty("DSI").Hex()));
        Assert.Equal(128, v.GetProperty("H.s_in_bytes").GetInt32());

        var generatorString = CPaceStrings.GeneratorString(CPaceX25519.Dsi, prs, ci, sid, CPaceX25519.HashBlockSize);
        Assert.Equal(v.GetProperty("generator_string(G.DSI,PRS,CI,sid,H.s_in_bytes)").Hex(), generatorString);
        var zpad = v.GetProperty("ZPAD length").GetInt32();
        var padAt = 1 + CPaceX25519.Dsi.Length + 1 + prs.Length;
        Assert.Equal(zpad, generatorString[padAt]);
        Assert.All(generatorString.AsSpan(padAt + 1, zpad).ToArray(), b => Assert.Equal(0, b));

        var hash = System.Security.Cryptography.SHA512.HashData(generatorString)[..32];
        Assert.Equal(v.GetProperty("hash generator string").Hex(), hash);
        var decoded = (byte[])hash.Clone();
        decoded[31] &= 0x7F;
        Assert.Equal(v.GetProperty("decoded field element of 255 bits").Hex(), decoded);

        // libsodium's map gives 8·g as an Edwards point, not g's u-coordinate: the generator is checked
        // by what it is for. For the vector's scalars (and a few more), y times our generator is
        // X25519(y, g) of the appendix's g.
        var ours = CPaceX25519.CalculateGenerator(prs, ci, sid);
        Assert.Equal(Suite.GetProperty("g").Hex(), v.GetProperty("generator g").Hex());
        byte[][] scalars = [Suite.GetProperty("ya").Hex(), Suite.GetProperty("yb").Hex(), Range(32), new byte[32], Enumerable.Repeat((byte)0xFF, 32).ToArray()];
        foreach (var y in scalars)
        {
            var share = new byte[32];
            Assert.True(CPaceX25519.ScalarMultGenerator(y, ours, share));
            var expected = new byte[32];
            using (var key = CPaceX25519.ImportScalar(y))
            {
                Assert.True(CPaceX25519.ScalarMultVfy(key, v.GetProperty("generator g").Hex(), expected));
            }

            Assert.Equal(expected, share);
        }
    }

    [Fact]
    public void A_generator_that_is_not_a_point_of_the_prime_order_subgroup_gives_no_share()
    {
        var identity = new byte[32];
        identity[0] = 1;
        var notOnCurve = Enumerable.Repeat((byte)0xFF, 32).ToArray();
        foreach (var generator in new[] { identity, new byte[32], notOnCurve })
        {
            var share = new byte[32];
            Assert.False(CPaceX25519.ScalarMultGenerator(Suite.GetProperty("ya").Hex(), generator, share));
            Assert.All(share, b => Assert.Equal(0, b));
        }
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
            Assert.Equal(Suite.GetProperty("sid_output_ir").Hex(), CPaceX25519.SidOutput(expectedTranscript));
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
            Assert.Equal(Suite.GetProperty("ISK_SY").Hex(), a.Finish(b.Share, Suite.GetProperty("ADb").Hex()));
            Assert.Equal(Suite.GetProperty("ISK_SY").Hex(), b.Finish(a.Share, Suite.GetProperty("ADa").Hex()));
            Assert.Equal(Suite.GetProperty("sid_output_oc").Hex(), CPaceX25519.SidOutput(transcript));
        }
    }

    [Fact]
    public void K_matches_the_vector_from_both_sides()
    {
        var k = new byte[32];
        using (var ya = CPaceX25519.ImportScalar(Suite.GetProperty("ya").Hex()))
        {
            Assert.True(CPaceX25519.ScalarMultVfy(ya, Suite.GetProperty("Yb").Hex(), k));
        }

        Assert.Equal(Suite.GetProperty("K").Hex(), k);
        using (var yb = CPaceX25519.ImportScalar(Suite.GetProperty("yb").Hex()))
        {
            Assert.True(CPaceX25519.ScalarMultVfy(yb, Suite.GetProperty("Ya").Hex(), k));
        }

        Assert.Equal(Suite.GetProperty("K").Hex(), k);
    }

    [Fact]
    public void Scalar_mult_vfy_gives_the_listed_result_for_every_low_order_and_non_canonical_point()
    {
        var table = TestVectorPaths.LoadCPace("x25519-scalar-mult-vfy.json");
        using var s = CPaceX25519.ImportScalar(table.GetProperty("s").Hex());
        var cases = table.GetProperty("cases").EnumerateArray().ToList();
        Assert.Equal(12, cases.Count);
        foreach (var c in cases)
        {
            var q = new byte[32];
            var valid = CPaceX25519.ScalarMultVfy(s, c.GetProperty("u").Hex(), q);
            Assert.Equal(c.GetProperty("q").Hex(), q);
            Assert.Equal(q.Any(b => b != 0), valid);
        }
    }

    [Fact]
    public void The_official_invalid_points_are_the_table_points_and_abort_a_run_when_they_are_the_peer_share()
    {
        var table = TestVectorPaths.LoadCPace("x25519-scalar-mult-vfy.json").GetProperty("cases").EnumerateArray().ToList();
        var official = TestVectorPaths.LoadCPace("testvectors-x25519.json").GetProperty("X25519_points");
        var aborting = 0;
        for (var i = 0; i < table.Count; i++)
        {
            var point = official.GetProperty($"Invalid Y{i}").Hex();
            Assert.Equal(table[i].GetProperty("u").Hex(), point);
            if (!table[i].GetProperty("abort_in_message").GetBoolean())
            {
                continue;
            }

            aborting++;
            var (a, b) = StartVectorParties(CPaceMode.InitiatorResponder);
            using (a)
            using (b)
            {
                Assert.Null(a.Finish(point, "ADb"u8));
                Assert.Null(b.Finish(point, "ADa"u8));
            }
        }

        Assert.Equal(7, aborting);
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
