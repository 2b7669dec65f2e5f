using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Courier.Node.Bulletins;
using NSec.Cryptography;

namespace Courier.Frost.Bench;

/// <summary>
/// A reader checking a bulletin signed by a 3-of-5 council (docs/bulletins.md): reading the file and
/// every check of <see cref="Bulletin.Verify"/>, beside its floor, one Ed25519 verification and the
/// SHA-256 of the content, so that the ratio shows what the format adds.
/// </summary>
[MemoryDiagnoser]
public class BulletinBenchmarks
{
    private byte[] _file = [];
    private byte[] _key = [];
    private byte[] _signed = [];
    private byte[] _signature = [];
    private byte[] _content = [];
    private PublicKey _publicKey = null!;

    [Params(1024, 1024 * 1024)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var dealt = TrustedDealer.Generate(3, 5);
        _key = dealt.PublicKeys.GroupPublicKey;
        _content = RandomNumberGenerator.GetBytes(Size);
        var now = DateTimeOffset.UtcNow;
        var header = Bulletin.Describe(_key, 1, now, now.AddDays(7), BulletinKind.Document, [new byte[16]], "bench", _content);
        var bulletin = Bulletin.CreateAsync(header, _content, (message, _) =>
        {
            var nonces = dealt.Shares.Take(3).Select(s => Signing.Commit(s)).ToArray();
            var package = new SigningPackage(nonces.Select(n => n.Commitments), message);
            var shares = dealt.Shares.Take(3).Select((s, i) => Signing.Sign(package, nonces[i], s)).ToList();
            return Task.FromResult(Signing.Aggregate(package, shares, dealt.PublicKeys));
        }).GetAwaiter().GetResult();
        _file = bulletin.ToFile();
        _signed = Bulletin.SigningInput(bulletin.Header);
        _signature = _file.AsSpan(4 + _signed.Length, 64).ToArray();
        _publicKey = PublicKey.Import(SignatureAlgorithm.Ed25519, _key, KeyBlobFormat.RawPublicKey);
    }

    [Benchmark(Description = "read and verify a bulletin (every check)")]
    public bool ReadAndVerify() => Bulletin.Read(_file).Verify(_key, DateTimeOffset.UtcNow, new BulletinHistory()).Passed;

    [Benchmark(Baseline = true, Description = "floor: Ed25519 verify + SHA-256 of the content")]
    public byte Floor() => SignatureAlgorithm.Ed25519.Verify(_publicKey, _signed, _signature) ? SHA256.HashData(_content)[0] : (byte)0;
}
