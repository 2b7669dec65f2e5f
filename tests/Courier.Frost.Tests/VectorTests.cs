using System.Text.Json;
using static Courier.Frost.Tests.TestSupport;

namespace Courier.Frost.Tests;

/// <summary>RFC 9591 Appendix E.1, FROST(Ed25519, SHA-512) (Vectors/SOURCE.md): every intermediate value.</summary>
public sealed class VectorTests
{
    private static readonly JsonElement Vector = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Vectors", "frost-ed25519-sha512.json"))).RootElement;

    private static string Input(string name) => Vector.GetProperty("inputs").GetProperty(name).GetString()!;

    private static DealtKeys Dealt()
    {
        var coefficients = new[] { Hex(Input("group_secret_key")) }
            .Concat(Vector.GetProperty("inputs").GetProperty("share_polynomial_coefficients").EnumerateArray().Select(c => Hex(c.GetString()!)))
            .ToArray();
        return TrustedDealer.Deal(coefficients, int.Parse(Vector.GetProperty("config").GetProperty("MAX_PARTICIPANTS").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Dealer_shares_and_group_key_match()
    {
        var dealt = Dealt();
        Assert.Equal(Input("group_public_key"), Convert.ToHexStringLower(dealt.PublicKeys.GroupPublicKey));
        foreach (var expected in Vector.GetProperty("inputs").GetProperty("participant_shares").EnumerateArray())
        {
            var id = expected.GetProperty("identifier").GetInt32();
            var key = dealt.Shares[id - 1];
            Assert.Equal(Identifier.FromNumber(id), key.Identifier);
            Assert.Equal(expected.GetProperty("participant_share").GetString(), Convert.ToHexStringLower(key.Serialize().AsSpan(2 + 32, 32)));
        }
    }

    [Fact]
    public void Nonces_commitments_binding_factors_shares_and_signature_match()
    {
        var dealt = Dealt();
        var message = Hex(Input("message"));
        var rounds = Vector.GetProperty("round_one_outputs").GetProperty("outputs").EnumerateArray().ToArray();
        var signers = rounds.Select(r => dealt.Shares[r.GetProperty("identifier").GetInt32() - 1]).ToArray();

        var nonces = new SigningNonces[rounds.Length];
        for (var i = 0; i < rounds.Length; i++)
        {
            var r = rounds[i];
            nonces[i] = Signing.Commit(signers[i], Replay(Hex(r.GetProperty("hiding_nonce_randomness").GetString()!), Hex(r.GetProperty("binding_nonce_randomness").GetString()!)));
            var stored = nonces[i].Serialize();
            Assert.Equal(r.GetProperty("hiding_nonce").GetString(), Convert.ToHexStringLower(stored.AsSpan(2, 32)));
            Assert.Equal(r.GetProperty("binding_nonce").GetString(), Convert.ToHexStringLower(stored.AsSpan(34, 32)));
            Assert.Equal(r.GetProperty("hiding_nonce_commitment").GetString(), Convert.ToHexStringLower(nonces[i].Commitments.HidingCommitment));
            Assert.Equal(r.GetProperty("binding_nonce_commitment").GetString(), Convert.ToHexStringLower(nonces[i].Commitments.BindingCommitment));
        }

        var package = new SigningPackage(nonces.Select(n => n.Commitments), message);
        var prefix = Session.BindingFactorPrefix(package, dealt.PublicKeys.GroupPublicKey);
        var session = new Session(package, dealt.PublicKeys.GroupPublicKey);
        foreach (var r in rounds)
        {
            var id = Identifier.FromNumber(r.GetProperty("identifier").GetInt32());
            Assert.Equal(r.GetProperty("binding_factor_input").GetString(), Convert.ToHexStringLower(Session.BindingFactorInput(prefix, id)));
            Assert.Equal(r.GetProperty("binding_factor").GetString(), Convert.ToHexStringLower(session.BindingFactor(id)));
        }

        var shares = signers.Select((k, i) => Signing.Sign(package, nonces[i], k)).ToArray();
        var expectedShares = Vector.GetProperty("round_two_outputs").GetProperty("outputs").EnumerateArray().ToArray();
        for (var i = 0; i < shares.Length; i++)
        {
            Assert.Equal(Identifier.FromNumber(expectedShares[i].GetProperty("identifier").GetInt32()), shares[i].Identifier);
            Assert.Equal(expectedShares[i].GetProperty("sig_share").GetString(), Convert.ToHexStringLower(shares[i].Serialize().AsSpan(2 + 32)));
            Assert.True(Signing.VerifyShare(package, shares[i], dealt.PublicKeys));
        }

        var signature = Signing.Aggregate(package, shares, dealt.PublicKeys);
        Assert.Equal(Vector.GetProperty("final_output").GetProperty("sig").GetString(), Convert.ToHexStringLower(signature));
        Assert.True(NSecVerifies(dealt.PublicKeys.GroupPublicKey, message, signature));
        Assert.False(NSecVerifies(dealt.PublicKeys.GroupPublicKey, [.. message, 0], signature));
    }
}
