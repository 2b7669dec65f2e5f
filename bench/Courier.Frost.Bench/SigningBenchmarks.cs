using BenchmarkDotNet.Attributes;

namespace Courier.Frost.Bench;

/// <summary>
/// One signing session of k signers out of n: one signer's round one and round two, the coordinator's
/// aggregation (which verifies the signature, and every share only when it does not), verifying every
/// share, and a verifier's plain Ed25519 check.
/// </summary>
[MemoryDiagnoser]
public class SigningBenchmarks
{
    private static readonly byte[] Message = new byte[256];

    private KeyPackage[] _signers = [];
    private PublicKeyPackage _publicKeys = null!;
    private SigningPackage _package = null!;
    private SignatureShare[] _shares = [];
    private byte[] _signature = [];
    private byte[] _storedNonces = [];

    [Params("3-of-5", "7-of-15")]
    public string Threshold { get; set; } = "3-of-5";

    [GlobalSetup]
    public void Setup()
    {
        var parts = Threshold.Split("-of-");
        var (k, n) = (int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
        var dealt = TrustedDealer.Generate(k, n);
        _publicKeys = dealt.PublicKeys;
        _signers = [.. dealt.Shares.Take(k)];
        var nonces = _signers.Select(s => Signing.Commit(s)).ToArray();
        _storedNonces = nonces[0].Serialize();
        _package = new SigningPackage(nonces.Select(x => x.Commitments), Message);
        _shares = [.. _signers.Select((s, i) => Signing.Sign(_package, nonces[i], s))];
        _signature = Signing.Aggregate(_package, _shares, _publicKeys);
    }

    [Benchmark(Description = "round one (one signer)")]
    public SigningNonces RoundOne() => Signing.Commit(_signers[0]);

    /// <summary>Round two with the nonces restored from storage each time (they are consumed): the node's path after round one.</summary>
    [Benchmark(Description = "round two (one signer, nonces restored)")]
    public SignatureShare RoundTwo() => Signing.Sign(_package, SigningNonces.Deserialize(_storedNonces), _signers[0]);

    [Benchmark(Description = "restore nonces (part of round two above)")]
    public SigningNonces RestoreNonces() => SigningNonces.Deserialize(_storedNonces);

    [Benchmark(Description = "aggregate")]
    public byte[] Aggregate() => Signing.Aggregate(_package, _shares, _publicKeys);

    /// <summary>What the coordinator does to find a cheater: every share checked, the session's values computed once.</summary>
    [Benchmark(Description = "verify every share (InvalidShares)")]
    public int VerifyShares() => Signing.InvalidShares(_package, _shares, _publicKeys).Count;

    [Benchmark(Description = "verify signature (Ed25519)")]
    public bool Verify() => Signing.Verify(_signature, Message, _publicKeys.GroupPublicKey);
}

/// <summary>A whole DKG among n participants run in one process: the work of all n together.</summary>
[MemoryDiagnoser]
public class DkgBenchmarks
{
    [Benchmark(Description = "DKG 3-of-5, all five participants")]
    public PublicKeyPackage Dkg()
    {
        var participants = Enumerable.Range(1, 5).Select(i => DkgParticipant.Start(Identifier.FromNumber(i), 3, 5)).ToArray();
        var shares = participants.SelectMany(p => p.Round2(participants.Where(o => o != p).Select(o => o.Commitment))).ToArray();
        PublicKeyPackage? last = null;
        foreach (var p in participants)
        {
            var (key, publicKeys) = p.Finish(shares.Where(s => s.To.Equals(p.Identifier)));
            key.Dispose();
            last = publicKeys;
        }

        return last!;
    }
}
