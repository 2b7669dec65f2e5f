using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Courier.Mls.Crypto;
using Courier.Mls.Group;

namespace Courier.Fuzz;

/// <summary>
/// The fixed state the targets parse against, derived from labels rather than the system's
/// randomness: every process builds the same keys and groups, so a crash replays the same way
/// under afl-fuzz, in <c>replay</c> and in the test run.
/// </summary>
internal static class Fixture
{
    /// <summary>A clock inside the lifetimes of the fixed key packages.</summary>
    public static TimeProvider Time { get; } = new FixedTime(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));

    public const CipherSuiteId Suite = CipherSuiteId.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;

    /// <summary>32 bytes named by <paramref name="label"/>.</summary>
    public static byte[] Bytes(string label) => SHA256.HashData(Encoding.UTF8.GetBytes("courier fuzz " + label));

    /// <summary>A member's key package bundle, the same in every process.</summary>
    public static KeyPackageBundle Member(string name)
    {
        using var signer = SignaturePrivateKey.Import(Bytes(name + " signer"));
        return KeyPackageBundle.Generate(Suite, Encoding.UTF8.GetBytes(name), signer, 1_577_836_800, 4_102_444_800, new LabelRandom(name));
    }

    /// <summary>A two-member group: alice created it and added bob; both are at epoch 1.</summary>
    public static (MlsGroup Alice, MlsGroup Bob, byte[] Welcome) Pair()
    {
        using var alice = Member("alice");
        var bob = Bob.Value;
        var aliceGroup = MlsGroup.Create(Bytes("group"), alice, new LabelRandom("alice group"), Time);
        var added = aliceGroup.Commit(new CommitRequest { Add = [bob.KeyPackageBytes] });
        aliceGroup.Merge(aliceGroup.Process(added.Commit).StagedCommit!);
        var bobGroup = MlsGroup.JoinFromWelcome(added.Welcome, bob, new LabelRandom("bob group"), Time);
        return (aliceGroup, bobGroup, added.Welcome!);
    }

    public static Lazy<KeyPackageBundle> Bob { get; } = new(() => Member("bob"));

    /// <summary>Randomness from SHA-256 of a label and a counter: deterministic, never a secret.</summary>
    private sealed class LabelRandom(string label) : IRandom
    {
        private long _counter;

        public void Fill(Span<byte> destination)
        {
            Span<byte> block = stackalloc byte[32];
            for (var offset = 0; offset < destination.Length; offset += block.Length)
            {
                var input = Encoding.UTF8.GetBytes(label + "#" + _counter++);
                SHA256.HashData(input, block);
                block[..Math.Min(block.Length, destination.Length - offset)].CopyTo(destination[offset..]);
            }
        }
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
