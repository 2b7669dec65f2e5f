using System.Text;
using BenchmarkDotNet.Attributes;
using Courier.Mls.Crypto;
using Courier.Mls.Group;

namespace Courier.Mls.Bench;

/// <summary>key_package_generation: a fresh Ed25519 signer, fresh init and leaf keys, signed and encoded.</summary>
public class KeyPackageBenchmarks
{
    private static readonly byte[] Identity = Encoding.UTF8.GetBytes("member");

    /// <summary>
    /// As ts-mls's <c>generateKeyPackage</c> with a new signature key pair: the result's
    /// <see cref="KeyPackageBundle.KeyPackageBytes"/> is the encoded MLSMessage(KeyPackage).
    /// </summary>
    [Benchmark]
    public int KeyPackageGeneration()
    {
        using var signer = SignaturePrivateKey.Generate(SystemRandom.Instance);
        using var bundle = KeyPackageBundle.Generate(GroupFixture.Suite, Identity, signer, GroupFixture.NotBefore, GroupFixture.NotAfter, SystemRandom.Instance);
        return bundle.KeyPackageBytes.Length;
    }
}
