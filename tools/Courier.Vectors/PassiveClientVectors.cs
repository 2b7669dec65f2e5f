using System.Text.Json;
using Courier.Mls.Crypto;
using Courier.Mls.Group;
using Courier.Mls.Hpke;
using Courier.Mls.Messages;

namespace Courier.Vectors;

/// <summary>
/// passive-client-welcome.json, passive-client-handling-commit.json, passive-client-random.json:
/// a client joins from a Welcome and follows the group's commits, agreeing on every epoch
/// authenticator (test-vectors.md, "Passive Client Scenarios"). The group's clock stands at
/// <paramref name="madeAt"/> (seconds since 1970), a time inside the lifetimes of the file's leaves
/// (they were valid when the file was made, not necessarily today), so lifetimes are still checked.
/// </summary>
public sealed class PassiveClientVectors(string fileName, ulong madeAt) : VectorFile
{
    /// <inheritdoc/>
    public override string FileName => fileName;

    internal override void Check(JsonElement testCase, CipherSuite? suite)
    {
        ArgumentNullException.ThrowIfNull(suite);
        var keyPackage = MLSMessage.FromBytes(Expect.Hex(testCase, "key_package")).KeyPackage
            ?? throw new VectorMismatchException("key_package is not a KeyPackage");
        using var bundle = KeyPackageBundle.FromParts(
            keyPackage,
            HpkePrivateKey.Import(Expect.Hex(testCase, "init_priv"), suite.Id),
            HpkePrivateKey.Import(Expect.Hex(testCase, "encryption_priv"), suite.Id),
            SignaturePrivateKey.Import(Expect.Hex(testCase, "signature_priv"), suite.Id));
        Expect.Equal(keyPackage.LeafNode.SignatureKey, bundle.SignatureKey.PublicKey, "signature_priv matches the KeyPackage");
        Expect.Equal(keyPackage.InitKey, bundle.InitKey.PublicKey, "init_priv matches the KeyPackage");
        Expect.Equal(keyPackage.LeafNode.EncryptionKey, bundle.EncryptionKey.PublicKey, "encryption_priv matches the KeyPackage");

        var psks = testCase.GetProperty("external_psks").EnumerateArray()
            .Select(p => new KeyValuePair<byte[], byte[]>(Expect.Hex(p, "psk_id"), Expect.Hex(p, "psk")))
            .ToList();
        using var group = MlsGroup.JoinFromWelcome(
            Expect.Hex(testCase, "welcome"),
            bundle,
            SystemRandom.Instance,
            new VectorTime(madeAt),
            new JoinOptions { RatchetTree = Expect.OptionalHex(testCase, "ratchet_tree"), ExternalPsks = psks });
        Expect.Equal(Expect.Hex(testCase, "initial_epoch_authenticator"), group.EpochAuthenticator(), "initial epoch authenticator");

        var epoch = 0;
        foreach (var step in testCase.GetProperty("epochs").EnumerateArray())
        {
            epoch++;
            foreach (var proposal in step.GetProperty("proposals").EnumerateArray())
            {
                group.Process(Convert.FromHexString(proposal.GetString()!));
            }

            // The vectors' order is the delivery service's: each epoch's commit is the one merged.
            var staged = group.Process(Expect.Hex(step, "commit")).StagedCommit
                ?? throw new VectorMismatchException($"step {epoch + 1}'s commit was not staged");
            group.Merge(staged);
            Expect.Equal(Expect.Hex(step, "epoch_authenticator"), group.EpochAuthenticator(), $"epoch authenticator after step {epoch}");
        }
    }
}

/// <summary>A clock that stands still at <paramref name="seconds"/> since 1970.</summary>
internal sealed class VectorTime(ulong seconds) : TimeProvider
{

    public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeSeconds((long)Math.Min(seconds, (ulong)DateTimeOffset.MaxValue.ToUnixTimeSeconds()));
}
